import { describe, expect, it } from "vitest";
import { classifyRange, type AddressClass } from "./address-class.ts";

const range = (cidr: string) => {
  const [network = "", prefix] = cidr.split("/");
  const family = network.includes(":") ? 6 : 4;
  return { family, network, prefix: prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix) } as const;
};

describe("one classification of addresses and ranges", () => {
  it.each<[string, AddressClass]>([
    ["8.8.8.8", "public"],
    ["0.0.0.0/8", "this-network"],
    ["127.0.0.0/8", "loopback"],
    ["127.255.255.255", "loopback"],
    ["10.20.0.0/16", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.0", "public"],
    ["100.64.0.0/10", "shared"],
    ["100.128.0.0", "public"],
    ["192.0.2.0/24", "documentation"],
    ["198.18.0.0/15", "benchmarking"],
    ["224.0.0.0/4", "multicast"],
    ["240.0.0.0/4", "future-use"],
    ["255.255.255.254", "future-use"],
    ["255.255.255.255", "broadcast"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["::102:304", "ipv4-compatible"],
    ["::/127", "ipv4-compatible"],
    ["100::/64", "discard"],
    ["2001::1", "special-purpose"],
    ["2001:db8::/32", "documentation"],
    ["fd00::/8", "unique-local"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["2a00:1450::/32", "public"],
  ])("%s is %s", (cidr, expected) => {
    expect(classifyRange(range(cidr))).toBe(expected);
  });

  it("classes a range by the block that holds all of it", () => {
    expect(classifyRange(range("8.0.0.0/5"))).toBe("public");
    expect(classifyRange(range("10.0.0.0/7"))).toBe("public");
    expect(classifyRange(range("192.168.0.0/15"))).toBe("public");
    expect(classifyRange(range("fc00::/6"))).toBe("public");
  });
});
