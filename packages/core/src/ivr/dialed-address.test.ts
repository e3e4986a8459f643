import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseDialedIPv4, refusalForGrantAddress } from "./dialed-address.ts";

describe("an address typed on the keypad with * for the dots", () => {
  it("becomes a dotted address when it has four numbers of 0..255", () => {
    expect(parseDialedIPv4("12*34*56*78")).toEqual({ ok: true, address: "12.34.56.78" });
    expect(parseDialedIPv4("0*0*0*0")).toEqual({ ok: true, address: "0.0.0.0" });
    expect(parseDialedIPv4("255*255*255*255")).toEqual({ ok: true, address: "255.255.255.255" });
  });

  it.each([
    ["12**34*5", "empty-part"],
    ["*12*34*56*78", "empty-part"],
    ["12*34*56*78*", "empty-part"],
    ["999*1*1*1", "part-range"],
    ["256*1*1*1", "part-range"],
    ["1000*1*1*1", "part-range"],
    ["0001*1*1*1", "part-range"],
    ["1*2*3", "part-count"],
    ["1*2*3*4*5", "part-count"],
    ["12345678", "part-count"],
    ["01*2*3*4", "leading-zero"],
    ["1*2*3*00", "leading-zero"],
    ["1#2*3*4", "invalid-characters"],
    ["1.2.3.4", "invalid-characters"],
    ["A*2*3*4", "invalid-characters"],
    ["", "invalid-characters"],
  ])("%s is refused as %s", (keys, error) => {
    expect(parseDialedIPv4(keys)).toEqual({ ok: false, error });
  });

  it("round-trips every IPv4 address typed the keypad way", () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(parseDialedIPv4(address.replaceAll(".", "*"))).toEqual({ ok: true, address });
      }),
    );
  });

  it("never accepts keys that are not exactly four canonical numbers", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9*]{1,20}$/), (keys) => {
        const parsed = parseDialedIPv4(keys);
        if (parsed.ok) expect(parsed.address.replaceAll(".", "*")).toBe(keys);
      }),
    );
  });
});

describe("which addresses a traveler may be granted", () => {
  const strict = { allowDocumentationAddresses: false };

  it.each([
    ["12.34.56.78"],
    ["8.8.4.4"],
    ["1.1.1.1"],
    ["100.63.255.255"],
    ["100.128.0.0"],
    ["223.255.255.254"],
  ])("public unicast %s is grantable", (address) => {
    expect(refusalForGrantAddress(address, strict)).toBeNull();
  });

  it.each([
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["192.168.1.20", "private"],
    ["127.0.0.1", "loopback"],
    ["169.254.10.10", "link-local"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["100.64.0.1", "shared"],
    ["192.0.2.10", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.99", "documentation"],
    ["0.1.2.3", "reserved"],
    ["0.0.0.0", "reserved"],
    ["255.255.255.255", "reserved"],
    ["240.0.0.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["192.0.0.8", "reserved"],
  ])("%s is refused as %s", (address, refusal) => {
    expect(refusalForGrantAddress(address, strict)).toBe(refusal);
  });

  it("lets documentation ranges through only with the test setting", () => {
    const testing = { allowDocumentationAddresses: true };
    expect(refusalForGrantAddress("203.0.113.99", testing)).toBeNull();
    expect(refusalForGrantAddress("198.51.100.7", testing)).toBeNull();
    expect(refusalForGrantAddress("10.0.0.1", testing)).toBe("private");
  });
});
