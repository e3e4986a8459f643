// Address text to integers and back: strict about what is an address, and the canonical text
// (RFC 5952 for IPv6) that core's source parser gives too.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv4, formatIPv6, parseAddress } from "./address.ts";

const SEED = 20_261_201;

describe("addresses as integers", () => {
  it("reads IPv4 and IPv6 text, and an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(parseAddress("198.51.100.7")).toEqual({ family: 4, value: 0xc6336407 });
    expect(parseAddress("2001:db8::1")).toEqual({ family: 6, value: (0x20010db8n << 96n) | 1n });
    expect(parseAddress("::ffff:198.51.100.7")).toEqual({ family: 4, value: 0xc6336407 });
    expect(parseAddress("::ffff:c633:6407")).toEqual({ family: 4, value: 0xc6336407 });
    expect(parseAddress("64:ff9b::198.51.100.7")).toEqual({ family: 6, value: (0x64ff9bn << 96n) | 0xc6336407n });
  });

  it("refuses what is not one address", () => {
    for (const text of ["", " 198.51.100.7", "198.51.100", "198.51.100.256", "198.051.100.7", "198.51.100.7/32", "2001:db8::1/64", "fe80::1%eth0", "2001:db8:::1", "example.com", "1e3.0.0.1"]) {
      expect(parseAddress(text), text).toBeNull();
    }
  });

  it("writes IPv4 as a dotted quad and IPv6 in RFC 5952 form, which reads back to the same value", () => {
    expect(formatIPv4(0xc6336407)).toBe("198.51.100.7");
    expect(formatIPv6(0x20010db8000000000000000000000001n)).toBe("2001:db8::1");
    expect(formatIPv6(0x20010db8000000010000000000000000n)).toBe("2001:db8:0:1::");
    expect(formatIPv6(0x20010db8000000000001000000000000n)).toBe("2001:db8:0:0:1::");
    expect(formatIPv6(0x20010db8000000000001000000000001n)).toBe("2001:db8::1:0:0:1");
    expect(formatIPv6(0n)).toBe("::");
    fc.assert(
      fc.property(fc.bigInt({ min: 1n << 96n, max: (1n << 128n) - 1n }), (value) => {
        const text = formatIPv6(value);
        // WHATWG URL's IPv6 serialiser follows RFC 5952's rules for the hex form.
        expect(text).toBe(new URL(`http://[${text}]`).hostname.slice(1, -1));
        expect(parseAddress(text)).toEqual({ family: 6, value });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
