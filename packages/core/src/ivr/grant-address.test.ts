import { describe, expect, it } from "vitest";
import { refusalForGrantAddress } from "./grant-address.ts";

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
    expect(refusalForGrantAddress("2001:db8::7", testing)).toBeNull();
  });

  it.each([
    ["2a00:1450:4001:82b::200e", null],
    ["::ffff:12.34.56.78", null],
    ["::ffff:10.1.2.3", "private"],
    ["fd00::1", "private"],
    ["::1", "loopback"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["::", "reserved"],
  ])("IPv6 %s (seen by the link page) is judged %s", (address, refusal) => {
    expect(refusalForGrantAddress(address, strict)).toBe(refusal);
  });
});
