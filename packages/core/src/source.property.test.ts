// Whatever anybody types, parseSource either refuses it with BAD_INPUT or returns a canonical
// source made only of address or host-name characters, which parses back to itself.
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { GatehouseError } from "./errors.ts";
import { parseSource } from "./source.ts";

const SEED = 20_241_124;
/** Written out here rather than imported, so the test checks address-class.ts, not itself. */
const NEVER_PEER_IPV4 = ["0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4"].map((cidr) => ipaddr.IPv4.parseCIDR(cidr));
const NEVER_PEER_IPV6 = ["::/96", "100::/64", "ff00::/8"].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));
const CANONICAL_SHAPE = /^[0-9a-f.:/]+$|^[a-z0-9.-]+$/;

const HOSTILE_FRAGMENTS = [
  ";", "|", "&", "$", "`", "'", '"', "<", ">", "(", ")", "{", "}", "[", "]", "\\", "!", "*", "?", "~", "#",
  "$(reboot)", "`id`", "&&", "||", "\n", "\r", "\t", " ", "\u0000", "\u00a0", "\u200b", "\ufeff", "é", "１", "ı",
  "%eth0", "/", "//", "/0", "/8", "/32", "/128", "/-1", "/999", ".", "..", ":", "::", ":::", "-", "_",
  "0", "00", "010", "255", "256", "300", "0x7f", "ffff", "FFFF", "::ffff:", "1.2.3.4", "198.51.100.7",
  "2001:db8::", "fe80::1", "0.0.0.0", "localhost", "example.com", "xn--", "com", "a".repeat(64),
];

const hostileText = fc
  .array(fc.constantFrom(...HOSTILE_FRAGMENTS), { maxLength: 12 })
  .map((parts) => parts.join(""));

const octet = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.integer({ min: 0, max: 999 }).map(String),
  fc.integer({ min: 0, max: 99 }).map((n) => `0${n}`),
  fc.constant(""),
);
const nearMissIPv4 = fc
  .tuple(fc.array(octet, { minLength: 3, maxLength: 5 }), fc.option(fc.integer({ min: -1, max: 40 }), { nil: undefined }))
  .map(([parts, prefix]) => `${parts.join(".")}${prefix === undefined ? "" : `/${prefix}`}`);

const ipv6WithPrefix = fc
  .tuple(fc.ipV6(), fc.option(fc.integer({ min: 0, max: 130 }), { nil: undefined }))
  .map(([address, prefix]) => (prefix === undefined ? address : `${address}/${prefix}`));

const anyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF.:/-x%"), maxLength: 50 }),
  fc.string({ minLength: 250, maxLength: 400 }),
  hostileText,
  nearMissIPv4,
  ipv6WithPrefix,
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.domain(),
  fc.tuple(fc.string({ maxLength: 3 }), fc.domain(), fc.string({ maxLength: 3 })).map((parts) => parts.join("")),
);

describe("whatever is typed as a source", () => {
  it("is refused with BAD_INPUT or becomes a canonical source that parses to itself", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        let parsed;
        try {
          parsed = parseSource(text);
        } catch (error) {
          expect(error).toBeInstanceOf(GatehouseError);
          expect((error as GatehouseError).code).toBe("BAD_INPUT");
          expect((error as GatehouseError).message.length).toBeGreaterThan(0);
          return;
        }
        expect(parsed.canonical).toMatch(CANONICAL_SHAPE);
        expect(parseSource(parsed.canonical)).toEqual(parsed);
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it("as a dotted-quad address is accepted as written, unless it can never be a remote peer", () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        fc.pre(!NEVER_PEER_IPV4.some((range) => ipaddr.IPv4.parse(address).match(range)));
        expect(parseSource(address)).toEqual({ kind: "ip", family: 4, canonical: address, network: address, prefix: 32 });
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("as a dotted-quad address that can never be a remote peer is refused with the reason", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NEVER_PEER_IPV4), fc.integer({ min: 0, max: 2 ** 32 - 1 }), ([network, prefix], bits) => {
        const inside = ipaddr.fromByteArray(network.toByteArray().map((byte, index) => {
          const keep = Math.max(0, Math.min(8, prefix - index * 8));
          const mask = (0xff << (8 - keep)) & 0xff;
          return (byte & mask) | (((bits >>> (24 - index * 8)) & 0xff) & ~mask & 0xff);
        })).toString();
        expect(() => parseSource(inside)).toThrow(/; (it|no) /);
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("as an IPv6 address becomes its RFC 5952 form, unless it is mapped IPv4 or can never be a remote peer", () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const expected = ipaddr.IPv6.parse(address);
        fc.pre(!expected.isIPv4MappedAddress() && !NEVER_PEER_IPV6.some((range) => expected.match(range)));
        expect(parseSource(address).canonical).toBe(expected.toRFC5952String());
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("as a CIDR within the floors is accepted in network form and refused when it does not start the range, naming the network", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 8, max: 31 }), (address, prefix) => {
        const network = ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`).toString();
        fc.pre(!NEVER_PEER_IPV4.some((range) => ipaddr.IPv4.parse(network).match(range)));
        expect(parseSource(`${network}/${prefix}`).canonical).toBe(`${network}/${prefix}`);
        if (network !== address) {
          expect(() => parseSource(`${address}/${prefix}`)).toThrow(`${address}/${prefix} is not where a /${prefix} range starts: did you mean ${network}/${prefix} (the whole range) or ${address} (that one address)?`);
        }
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("as a well-formed host name is accepted in lower case", () => {
    fc.assert(
      fc.property(fc.domain(), fc.boolean(), (name, shout) => {
        fc.pre(/^[a-z]/.test(name.split(".").pop() ?? ""));
        expect(parseSource(shout ? name.toUpperCase() : name)).toEqual({ kind: "fqdn", canonical: name.toLowerCase() });
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });
});
