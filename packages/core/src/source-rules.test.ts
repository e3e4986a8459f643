// Each use of an address refuses what does not fit it, with the reason: a traveler's grant, a
// server's primary admin source, a server's LAN ranges. All of them read addresses with
// parseSource, so the lenient forms ipaddr.js accepts never get through any of them.
import { describe, expect, it } from "vitest";
import { GatehouseError } from "./errors.ts";
import { PROVIDER_PRESETS } from "./provider-presets.ts";
import { grantAddressProblem, parseAdminSource, parseGrantAddress, parseLanRange } from "./source-rules.ts";
import { parseSource } from "./source.ts";

const strict = { allowDocumentationAddresses: false };
const testing = { allowDocumentationAddresses: true };

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe("BAD_INPUT");
    return (error as Error).message;
  }
  throw new Error("it was accepted");
}

const LENIENT_FORMS: Array<[string, string]> = [
  ["010.010.010.010", "010.010.010.010 is not an IPv4 address: octet 1 (010) has a leading zero, which some tools read as octal"],
  ["0x08080808", "0x08080808 is not an IPv4 address: it is written in hex; write four decimal numbers, like 198.51.100.7"],
  ["134744072", "134744072 is not an IPv4 address: it has 1 part, not 4"],
  ["8.8.8", "8.8.8 is not an IPv4 address: it has 3 parts, not 4"],
  ["010.1.1.1", "010.1.1.1 is not an IPv4 address: octet 1 (010) has a leading zero, which some tools read as octal"],
];

describe("a traveler's grant is one public unicast address", () => {
  it("gives back the canonical address", () => {
    expect(parseGrantAddress(" 8.8.8.8 ", strict)).toBe("8.8.8.8");
    expect(parseGrantAddress("2A00:1450:4001:82B::200E", strict)).toBe("2a00:1450:4001:82b::200e");
    expect(parseGrantAddress("100.128.0.1", strict)).toBe("100.128.0.1");
  });

  it.each(LENIENT_FORMS)("refuses %s, which ipaddr.js would read as 8.8.8.8 or 8.1.1.1", (text, message) => {
    expect(refusal(() => parseGrantAddress(text, strict))).toBe(message);
  });

  it.each([
    ["8.8.8.0/24", "8.8.8.0/24 is a range; a grant is one address, written without a prefix length"],
    ["8.8.8.8/32", "8.8.8.8/32 is a range; a grant is one address, written without a prefix length"],
    ["pbx.example.com", "pbx.example.com is not an IP address or CIDR"],
    ["unknown", "unknown is not an IP address or CIDR"],
    ["::ffff:8.8.8.8", "::ffff:8.8.8.8 is an IPv4-mapped IPv6 address: use the IPv4 form 8.8.8.8"],
    ["10.1.2.3", "10.1.2.3 is a private network address (RFC 1918); only a public address can be granted"],
    ["fd00::1", "fd00::1 is a unique local IPv6 address (fc00::/7); only a public address can be granted"],
    ["100.64.7.7", "100.64.7.7 is a carrier-grade NAT address (100.64.0.0/10), shared by many subscribers; only a public address can be granted"],
    ["169.254.10.1", "169.254.10.1 is a link-local address; only a public address can be granted"],
    ["198.18.3.4", "198.18.3.4 is a benchmarking address; only a public address can be granted"],
    ["198.51.100.7", "198.51.100.7 is a documentation address; only a public address can be granted"],
    ["2001:db8::1", "2001:db8::1 is a documentation address; only a public address can be granted"],
    ["192.0.0.9", "192.0.0.9 is a special-purpose address; only a public address can be granted"],
    ["127.0.0.1", "127.0.0.1 is a loopback address; it can never reach the server from outside"],
    ["255.255.255.255", "255.255.255.255 is the broadcast address; it is only ever a destination, never the source of a packet"],
    ["0.0.0.0", "0.0.0.0 is the unspecified address, which no packet comes from; it is not a source"],
  ])("refuses %s", (text, message) => {
    expect(refusal(() => parseGrantAddress(text, strict))).toBe(message);
  });

  it("names the IVR's refusal in the error, for the page and the API", () => {
    const error = (() => {
      try {
        parseGrantAddress("192.168.1.2", strict);
      } catch (caught) {
        return caught as GatehouseError;
      }
    })();
    expect(error?.details).toEqual({ refusal: "private" });
  });

  it("lets documentation addresses through only with the test setting", () => {
    expect(parseGrantAddress("203.0.113.9", testing)).toBe("203.0.113.9");
    expect(parseGrantAddress("2001:db8::7", testing)).toBe("2001:db8::7");
    expect(refusal(() => parseGrantAddress("10.0.0.1", testing))).toMatch(/private network address/);
  });

  it("answers the problem as text for the link page, or null", () => {
    expect(grantAddressProblem("203.0.113.9", testing)).toBeNull();
    expect(grantAddressProblem("010.010.010.010", testing)).toMatch(/leading zero/);
  });
});

describe("a server's primary admin source is public", () => {
  it.each([
    ["203.0.113.10", "203.0.113.10"],
    ["8.8.8.0/24", "8.8.8.0/24"],
    ["2a00:1450::/32", "2a00:1450::/32"],
    ["Admin.Example.COM", "admin.example.com"],
  ])("accepts %s as %s", (text, expected) => {
    expect(parseAdminSource(text).canonical).toBe(expected);
  });

  it.each<[string, string]>([
    ...LENIENT_FORMS,
    ["10.0.0.5", "10.0.0.5 is a private network address (RFC 1918); the primary admin source must be public (put LAN and VPN ranges in the server's LAN ranges)"],
    ["fd00::/48", "fd00::/48 is a unique local IPv6 range (fc00::/7); the primary admin source must be public (put LAN and VPN ranges in the server's LAN ranges)"],
    ["100.64.0.0/10", "100.64.0.0/10 is a carrier-grade NAT range (100.64.0.0/10), shared by many subscribers; the primary admin source must be public (put LAN and VPN ranges in the server's LAN ranges)"],
    ["127.0.0.1", "127.0.0.1 is a loopback address; it can never reach the server from outside"],
    ["1.2.3.4/8", "1.2.3.4/8 is not where a /8 range starts: did you mean 1.0.0.0/8 (the whole range) or 1.2.3.4 (that one address)?"],
    ["0.0.0.0/0", "0.0.0.0/0 would allow every IPv4 address; allowing the whole Internet is refused"],
  ])("refuses %s", (text, message) => {
    expect(refusal(() => parseAdminSource(text))).toBe(message);
  });

  it("honours the configured floors", () => {
    expect(refusal(() => parseAdminSource("8.0.0.0/8", { ipv4Floor: 16 }))).toBe("8.0.0.0/8 is too broad: the widest IPv4 range allowed is /16");
  });
});

describe("a server's LAN ranges are local networks", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["172.16.0.0/12", "172.16.0.0/12"],
    ["192.168.1.0/24", "192.168.1.0/24"],
    ["192.168.1.20", "192.168.1.20"],
    ["fc00::/7", "fc00::/7"],
    ["169.254.0.0/16", "169.254.0.0/16"],
    ["fe80::/10", "fe80::/10"],
  ])("accepts %s as %s", (text, expected) => {
    expect(parseLanRange(text).canonical).toBe(expected);
  });

  it.each<[string, string]>([
    ...LENIENT_FORMS,
    ["8.8.8.0/24", "8.8.8.0/24 is a public range, not a LAN range: LAN ranges are private (RFC 1918), unique local (fc00::/7) or link-local"],
    ["8.8.8.8", "8.8.8.8 is a public address, not a LAN address: LAN ranges are private (RFC 1918), unique local (fc00::/7) or link-local"],
    ["10.0.0.0/7", "10.0.0.0/7 is a public range, not a LAN range: LAN ranges are private (RFC 1918), unique local (fc00::/7) or link-local"],
    ["100.64.0.0/10", "100.64.0.0/10 is a carrier-grade NAT range (100.64.0.0/10), shared by many subscribers, not a LAN range: LAN ranges are private (RFC 1918), unique local (fc00::/7) or link-local"],
    ["127.0.0.0/8", "127.0.0.0/8 is a loopback range; it can never reach the server from outside"],
    ["10.1.2.3/8", "10.1.2.3/8 is not where a /8 range starts: did you mean 10.0.0.0/8 (the whole range) or 10.1.2.3 (that one address)?"],
    ["lan.example.com", "lan.example.com is not an IP address or CIDR"],
  ])("refuses %s", (text, message) => {
    expect(refusal(() => parseLanRange(text))).toBe(message);
  });
});

describe("the provider presets", () => {
  it("are all sources the stricter parser accepts, unchanged", () => {
    for (const preset of PROVIDER_PRESETS) {
      for (const host of preset.hosts) expect(parseSource(host).canonical).toBe(host);
    }
  });
});
