import { describe, expect, it } from "vitest";
import { GatehouseError } from "./errors.ts";
import { parseConfiguredRange, parseIpSource, parseObservedAddress, parseSource, sourceSchema, sourceSchemaWith } from "./source.ts";

function refusal(text: string, options?: Parameters<typeof parseSource>[1]): string {
  try {
    parseSource(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe("BAD_INPUT");
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
}

const canonical = (text: string, options?: Parameters<typeof parseSource>[1]): string =>
  parseSource(text, options).canonical;

describe("an operator allows an IPv4 address or range", () => {
  it("gets a single address back without a prefix", () => {
    expect(parseSource("198.51.100.7")).toEqual({
      kind: "ip",
      family: 4,
      canonical: "198.51.100.7",
      network: "198.51.100.7",
      prefix: 32,
    });
    expect(canonical("198.51.100.7/32")).toBe("198.51.100.7");
  });

  it("gets a range back as its network", () => {
    expect(parseSource("10.0.0.0/8")).toEqual({
      kind: "ip",
      family: 4,
      canonical: "10.0.0.0/8",
      network: "10.0.0.0",
      prefix: 8,
    });
    expect(canonical("203.0.113.0/24")).toBe("203.0.113.0/24");
  });

  it.each([
    ["1.2.3.4/8", "1.2.3.4/8 is not where a /8 range starts: did you mean 1.0.0.0/8 (the whole range) or 1.2.3.4 (that one address)?"],
    ["10.1.2.3/8", "10.1.2.3/8 is not where a /8 range starts: did you mean 10.0.0.0/8 (the whole range) or 10.1.2.3 (that one address)?"],
    ["203.0.113.77/24", "203.0.113.77/24 is not where a /24 range starts: did you mean 203.0.113.0/24 (the whole range) or 203.0.113.77 (that one address)?"],
    ["2001:db8:abcd:12::99/64", "2001:db8:abcd:12::99/64 is not where a /64 range starts: did you mean 2001:db8:abcd:12::/64 (the whole range) or 2001:db8:abcd:12::99 (that one address)?"],
  ])("is not silently widened: %s is refused naming the network form", (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it("may paste it with surrounding whitespace", () => {
    expect(canonical("  198.51.100.7\n")).toBe("198.51.100.7");
    expect(canonical("\t203.0.113.0/24 ")).toBe("203.0.113.0/24");
  });

  it.each([
    ["198.51.100.300", "198.51.100.300 is not an IPv4 address: octet 4 is 300"],
    ["256.1.1.1", "256.1.1.1 is not an IPv4 address: octet 1 is 256"],
    ["010.1.1.1", "010.1.1.1 is not an IPv4 address: octet 1 (010) has a leading zero, which some tools read as octal"],
    ["198.51.100", "198.51.100 is not an IPv4 address: it has 3 parts, not 4"],
    ["198.51.100.7.1", "198.51.100.7.1 is not an IPv4 address: it has 5 parts, not 4"],
    ["198..100.7", "198..100.7 is not an IPv4 address: octet 2 is empty"],
    ["3325256711", "3325256711 is not an IPv4 address: it has 1 part, not 4"],
    ["198.51.100.7:5060", "198.51.100.7:5060 looks like an address with a port: give the address only (the services set the ports)"],
    ["0.0.0.0", "0.0.0.0 is the unspecified address, which no packet comes from; it is not a source"],
    ["010.010.010.010", "010.010.010.010 is not an IPv4 address: octet 1 (010) has a leading zero, which some tools read as octal"],
    ["134744072", "134744072 is not an IPv4 address: it has 1 part, not 4"],
    ["8.8.8", "8.8.8 is not an IPv4 address: it has 3 parts, not 4"],
    ["0x08080808", "0x08080808 is not an IPv4 address: it is written in hex; write four decimal numbers, like 198.51.100.7"],
    ["0x7f.1", "0x7f.1 is not an IPv4 address: it is written in hex; write four decimal numbers, like 198.51.100.7"],
  ])("is told exactly why %s is refused", (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it.each([
    ["198.51.100.7/", "198.51.100.7/ has an empty prefix length after '/'"],
    ["198.51.100.0/x4", "198.51.100.0/x4 has a prefix length (x4) that is not a number"],
    ["/24", "/24 has no address before the '/'"],
    ["198.51.100.0/24/8", "198.51.100.0/24/8 has more than one '/'"],
    ["198.51.100.0/024", "198.51.100.0/024 has a prefix length with a leading zero (024)"],
    ["198.51.100.0/33", "198.51.100.0/33 has a prefix length of 33; IPv4 allows at most 32"],
  ])("is told exactly what is wrong with the prefix of %s", (text, message) => {
    expect(refusal(text)).toBe(message);
  });
});

describe("over-broad ranges never open a server to the Internet", () => {
  it.each([
    ["0.0.0.0/0", "0.0.0.0/0 would allow every IPv4 address; allowing the whole Internet is refused"],
    ["198.51.100.7/0", "198.51.100.7/0 would allow every IPv4 address; allowing the whole Internet is refused"],
    ["::/0", "::/0 would allow every IPv6 address; allowing the whole Internet is refused"],
    ["10.0.0.0/7", "10.0.0.0/7 is too broad: the widest IPv4 range allowed is /8"],
    ["2001::/16", "2001::/16 is too broad: the widest IPv6 range allowed is /32"],
  ])("refuses %s", (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it("accepts ranges right at the default floors", () => {
    expect(canonical("10.0.0.0/8")).toBe("10.0.0.0/8");
    expect(canonical("2001:db8::/32")).toBe("2001:db8::/32");
  });

  it("applies a stricter floor when one is configured, naming it", () => {
    expect(refusal("10.0.0.0/8", { ipv4Floor: 16 })).toBe(
      "10.0.0.0/8 is too broad: the widest IPv4 range allowed is /16",
    );
    expect(refusal("2001:db8::/32", { ipv6Floor: 48 })).toBe(
      "2001:db8::/32 is too broad: the widest IPv6 range allowed is /48",
    );
    expect(canonical("198.51.100.0/24", { ipv4Floor: 16 })).toBe("198.51.100.0/24");
  });

  it("still refuses /0 with the loosest floor", () => {
    expect(canonical("0.0.0.0/1", { ipv4Floor: 1 })).toBe("0.0.0.0/1");
    expect(refusal("0.0.0.0/0", { ipv4Floor: 1 })).toMatch(/would allow every IPv4 address/);
  });

  it("treats a floor outside the family's prefix lengths as a programming error", () => {
    expect(() => parseSource("198.51.100.7", { ipv4Floor: 0 })).toThrow(RangeError);
    expect(() => parseSource("198.51.100.7", { ipv6Floor: 129 })).toThrow(RangeError);
  });
});

describe("an operator allows an IPv6 address or range", () => {
  it.each([
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8::0001", "2001:db8::1"],
    ["2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"],
    ["2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"],
    ["2001:db8::1/128", "2001:db8::1"],
    ["2001:db8:abcd:12::/64", "2001:db8:abcd:12::/64"],
    ["2001:db8::/33", "2001:db8::/33"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ["fd12:3456::/48", "fd12:3456::/48"],
  ])("writes %s as %s (RFC 5952)", (text, expected) => {
    expect(canonical(text)).toBe(expected);
    expect(parseSource(text)).toMatchObject({ kind: "ip", family: 6 });
  });

  it("is pointed at the IPv4 form of an IPv4-mapped address", () => {
    expect(refusal("::ffff:198.51.100.7")).toBe(
      "::ffff:198.51.100.7 is an IPv4-mapped IPv6 address: use the IPv4 form 198.51.100.7",
    );
    expect(refusal("::FFFF:c633:6407")).toBe("::FFFF:c633:6407 is an IPv4-mapped IPv6 address: use the IPv4 form 198.51.100.7");
    expect(refusal("::ffff:198.51.100.0/120")).toBe(
      "::ffff:198.51.100.0/120 is an IPv4-mapped IPv6 address: use the IPv4 form 198.51.100.0/24",
    );
  });

  it.each([
    ["2001:db8::1::2", "2001:db8::1::2 is not an IPv6 address: it has more than one '::'"],
    ["2001:db8:1:2:3:4:5", "2001:db8:1:2:3:4:5 is not an IPv6 address: it has 7 groups, not 8"],
    ["1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9 is not an IPv6 address: it has 9 groups, not 8"],
    ["1:2:3:4::5:6:7:8", "1:2:3:4::5:6:7:8 is not an IPv6 address: it has 8 groups besides '::', at most 7"],
    ["2001:db8:::1", "2001:db8:::1 is not an IPv6 address: it has an empty group (a stray ':')"],
    ["12345::1", "12345::1 is not an IPv6 address: group 12345 is not 1 to 4 hex digits"],
    ["2001:dg8::1", "2001:dg8::1 is not an IPv6 address: group dg8 is not 1 to 4 hex digits"],
    ["::1.2.3.04", "::1.2.3.04 is not an IPv6 address: its IPv4 part 1.2.3.04 is invalid: octet 4 (04) has a leading zero, which some tools read as octal"],
    ["::1.2.3.4:1", "::1.2.3.4:1 is not an IPv6 address: an IPv4 part may only come last"],
    ["fe80::1%eth0", "fe80::1 is followed by an interface name (%eth0): an allowed address is written without one"],
    ["2001:db8::1/129", "2001:db8::1/129 has a prefix length of 129; IPv6 allows at most 128"],
    ["::", ":: is the unspecified address, which no packet comes from; it is not a source"],
  ])("is told exactly why %s is refused", (text, message) => {
    expect(refusal(text)).toBe(message);
  });
});

describe("an operator allows a host name (a trunk provider, a dynamic DNS office)", () => {
  it.each([
    ["sip.example.com", "sip.example.com"],
    ["SIP.Example.COM", "sip.example.com"],
    ["pbx.example.com.", "pbx.example.com"],
    ["office-1.dyn.example.net", "office-1.dyn.example.net"],
    ["1.2.3.4.nip.example", "1.2.3.4.nip.example"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
  ])("stores %s as %s", (text, expected) => {
    expect(parseSource(text)).toEqual({ kind: "fqdn", canonical: expected });
  });

  it("accepts a 63-character label and a 253-character name", () => {
    const label = "a".repeat(63);
    const name = `${label}.${label}.${label}.${"b".repeat(57)}.com`;
    expect(name).toHaveLength(253);
    expect(canonical(name)).toBe(name);
    expect(canonical(`${name}.`)).toBe(name);
  });

  it.each([
    ["*.example.com", "wildcards are not supported (*.example.com): list each host name on its own"],
    ["localhost", "localhost is not a host name: a host name has at least two parts, like pbx.example.com"],
    ["pbx..example.com", "pbx..example.com is not a host name: it has an empty part between dots (two dots in a row, or a dot at the start)"],
    [".example.com", ".example.com is not a host name: it has an empty part between dots (two dots in a row, or a dot at the start)"],
    ["example.com..", "example.com.. is not a host name: it has an empty part between dots (two dots in a row, or a dot at the start)"],
    ["-pbx.example.com", "-pbx.example.com is not a host name: its part -pbx starts with a hyphen"],
    ["pbx-.example.com", "pbx-.example.com is not a host name: its part pbx- ends with a hyphen"],
    ["pbx.example.123", "pbx.example.123 is not a host name: its last part (123) must start with a letter; a mistyped address?"],
    ["198.51.100.7o", "198.51.100.7o is not a host name: its last part (7o) must start with a letter; a mistyped address?"],
    ["pbx.example.com/24", "pbx.example.com/24 is not a host name: a host name cannot have a /prefix"],
    ["sip_trunk.example.com", "\"_\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    [`${"a".repeat(64)}.example.com`, `${"a".repeat(64)}.example.com is not a host name: its part aaaaaaaaaaaaaaaaaaaa... is longer than 63 characters`],
  ])("is told exactly why %s is refused", (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it("refuses a name over 253 characters", () => {
    const label = "a".repeat(63);
    const name = `${label}.${label}.${label}.${"b".repeat(58)}.com`;
    expect(refusal(name)).toBe(`${name} is not a host name: it is 254 characters long, at most 253`);
  });
});

describe("hostile input never gets through", () => {
  it.each([
    ["198.51.100.7 rm -rf /", "there is a space after \"198.51.100.7\": give one address, CIDR range or host name per entry"],
    ["198.51.100.7;reboot", "\";\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["$(reboot).example.com", "\"$\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["`id`.example.com", "\"`\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["a|b.example.com", "\"|\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["a&b.example.com", "\"&\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["'x'.example.com", "\"'\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ['"x".example.com', "\"\\\"\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["a>b.example.com", "\">\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["a\\b.example.com", "\"\\\\\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["{a,b}.example.com", "\"{\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["a!b.example.com", "\"!\" cannot appear in an IP address, CIDR range or host name (only letters, digits, \".\", \"-\", \":\" and \"/\" can)"],
    ["198.51.100.7\n203.0.113.9", "there is a line break after \"198.51.100.7\": give one address, CIDR range or host name per entry"],
    ["pbx\u0000.example.com", "there is an invisible control character (U+0000) after \"pbx\": type the address again rather than pasting it"],
    ["bücher.example", "\"ü\" (U+00FC) is not a plain letter or digit: addresses are written in plain digits, and international host names in their xn-- form (punycode)"],
    ["１９８.51.100.7", "\"１\" (U+FF11) is not a plain letter or digit: addresses are written in plain digits, and international host names in their xn-- form (punycode)"],
    ["pbx\u00a0x.example.com", "there is a space after \"pbx\": give one address, CIDR range or host name per entry"],
    ["", "nothing was given: type an IP address (198.51.100.7), a CIDR range (198.51.100.0/24) or a host name (sip.example.com)"],
    ["   \n", "nothing was given: type an IP address (198.51.100.7), a CIDR range (198.51.100.0/24) or a host name (sip.example.com)"],
  ])("refuses %j", (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it("refuses over-long input without echoing it", () => {
    const message = refusal(`${"a".repeat(100_000)}.com`);
    expect(message).toBe("that is 100004 characters long; an address or host name has 254 at most");
  });
});

describe("the source field of a form or API call", () => {
  it("outputs the parsed source", () => {
    expect(sourceSchema.parse(" 10.0.0.0/8 ")).toEqual(parseSource("10.0.0.0/8"));
  });

  it("reports parseSource's message as the issue", () => {
    const result = sourceSchema.safeParse("198.51.100.300");
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      "198.51.100.300 is not an IPv4 address: octet 4 is 300",
    ]);
  });

  it("refuses what is not text", () => {
    expect(sourceSchema.safeParse(42).success).toBe(false);
  });

  it("honours configured floors", () => {
    const strict = sourceSchemaWith({ ipv4Floor: 24 });
    expect(strict.safeParse("198.51.0.0/16").error?.issues[0]?.message).toBe(
      "198.51.0.0/16 is too broad: the widest IPv4 range allowed is /24",
    );
  });
});

describe("a source that can never be a remote peer is refused with the reason", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1 is a loopback address; it can never reach the server from outside"],
    ["127.0.0.0/8", "127.0.0.0/8 is a loopback range; it can never reach the server from outside"],
    ["::1", "::1 is a loopback address; it can never reach the server from outside"],
    ["224.0.0.1", "224.0.0.1 is a multicast address; it is only ever a destination, never the source of a packet"],
    ["239.0.0.0/8", "239.0.0.0/8 is a multicast range; it is only ever a destination, never the source of a packet"],
    ["ff02::1", "ff02::1 is a multicast address; it is only ever a destination, never the source of a packet"],
    ["255.255.255.255", "255.255.255.255 is the broadcast address; it is only ever a destination, never the source of a packet"],
    ["0.0.0.0/8", '0.0.0.0/8 is a "this network" range (0.0.0.0/8); no packet from outside comes from it'],
    ["0.1.2.3", '0.1.2.3 is a "this network" address (0.0.0.0/8); no packet from outside comes from it'],
    ["240.1.2.3", "240.1.2.3 is an address reserved for future use (240.0.0.0/4); no host has one"],
    ["250.0.0.0/8", "250.0.0.0/8 is a range reserved for future use (240.0.0.0/4); no host has one"],
    ["::1.2.3.4", "::1.2.3.4 is a deprecated IPv4-compatible IPv6 address (::/96); no host uses one: for the IPv4 address write 1.2.3.4"],
    ["::102:304", "::102:304 is a deprecated IPv4-compatible IPv6 address (::/96); no host uses one: for the IPv4 address write 1.2.3.4"],
    ["100::7", "100::7 is a discard-only IPv6 address (100::/64); packets for it are dropped and none come from it"],
  ])("%s", (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it.each([
    ["10.0.0.0/8", "a private LAN"],
    ["192.168.1.20", "a private host"],
    ["fd00:1234::/32", "a unique local range"],
    ["169.254.0.0/16", "link-local"],
    ["fe80::/64", "IPv6 link-local"],
    ["100.64.0.0/10", "carrier-grade NAT (a VPN such as Tailscale)"],
    ["198.51.100.7", "a documentation address (labs, tests)"],
    ["198.18.0.0/15", "a benchmarking lab"],
    ["2002:c000:204::1", "a 6to4 host"],
    ["223.255.255.254", "the last public address below multicast"],
  ])("still accepts %s (%s)", (text) => {
    expect(parseSource(text).kind).toBe("ip");
  });

  it("refuses an IPv4-mapped address in favour of its IPv4 form, for every use", () => {
    expect(refusal("::ffff:1.2.3.4")).toBe("::ffff:1.2.3.4 is an IPv4-mapped IPv6 address: use the IPv4 form 1.2.3.4");
    expect(() => parseIpSource("::ffff:1.2.3.4")).toThrow("use the IPv4 form 1.2.3.4");
    expect(() => parseConfiguredRange("::ffff:127.0.0.1")).toThrow("use the IPv4 form 127.0.0.1");
  });
});

describe("an address field that takes no host name", () => {
  it("says so for a name", () => {
    expect(() => parseIpSource("pbx.example.com")).toThrow("pbx.example.com is not an IP address or CIDR");
    expect(parseIpSource(" 198.51.100.0/24 ").canonical).toBe("198.51.100.0/24");
  });
});

describe("configured ranges of our own machines (AGI_ALLOWED_ADDRESSES, TRUSTED_PROXIES)", () => {
  it("take loopback, strictly written", () => {
    expect(parseConfiguredRange("127.0.0.1").canonical).toBe("127.0.0.1");
    expect(parseConfiguredRange("::1").canonical).toBe("::1");
    expect(parseConfiguredRange("10.0.0.0/8").canonical).toBe("10.0.0.0/8");
  });

  it.each([
    ["010.0.0.1", "010.0.0.1 is not an IPv4 address: octet 1 (010) has a leading zero, which some tools read as octal"],
    ["10.0.0.1/8", "10.0.0.1/8 is not where a /8 range starts: did you mean 10.0.0.0/8 (the whole range) or 10.0.0.1 (that one address)?"],
    ["0.0.0.0/0", "0.0.0.0/0 would allow every IPv4 address; allowing the whole Internet is refused"],
    ["proxy.example.com", "proxy.example.com is not an IP address or CIDR"],
  ])("refuse %s", (text, message) => {
    expect(() => parseConfiguredRange(text)).toThrow(message);
  });
});

describe("an address a machine reports (an X-Forwarded-For hop)", () => {
  it("is read strictly, with a dual-stack socket's mapped form as IPv4", () => {
    expect(parseObservedAddress("::ffff:203.0.113.9").canonical).toBe("203.0.113.9");
    expect(parseObservedAddress("2001:DB8::1").canonical).toBe("2001:db8::1");
    expect(parseObservedAddress("127.0.0.1").canonical).toBe("127.0.0.1");
  });

  it.each([["010.010.010.010"], ["0x08080808"], ["134744072"], ["8.8.8"], ["203.0.113.0/24"], ["unknown"], ["::ffff:1.2.3.0/120"]])("refuses %s", (text) => {
    expect(() => parseObservedAddress(text)).toThrow(GatehouseError);
  });
});
