// The one classification of IP addresses and ranges: which special-purpose block (if any) holds
// them. Every use decides from it: allowlist sources refuse what can never be a remote peer,
// traveler grants and admin addresses need a public address, LAN ranges a local one, and the
// IVR picks its spoken refusal. ipaddr.js's range() names the block of one address; here a whole
// CIDR must be classed, and its buckets lump together what Gatehouse treats differently (its
// IPv4 "reserved" holds both documentation ranges and 240.0.0.0/4; it has no ::/96), so the
// blocks are listed here, each with the decision and why.
import ipaddr from "ipaddr.js";

export type AddressClass =
  | "public"
  | "unspecified"
  | "this-network"
  | "loopback"
  | "multicast"
  | "broadcast"
  | "future-use"
  | "ipv4-compatible"
  | "discard"
  | "private"
  | "unique-local"
  | "link-local"
  | "shared"
  | "documentation"
  | "benchmarking"
  | "special-purpose";

export interface AddressClassInfo {
  /** Completes "<address> is …". */
  address: string;
  /** Completes "<range> is …". */
  range: string;
  /** Whether a packet from outside the server can carry such a source at all. */
  remotePeer: boolean;
  /** For classes that are never a remote peer: why, completing "…; ". */
  neverPeerBecause?: string;
}

const DESTINATION_ONLY = "it is only ever a destination, never the source of a packet";

export const ADDRESS_CLASSES: Readonly<Record<AddressClass, AddressClassInfo>> = {
  public: { address: "a public address", range: "a public range", remotePeer: true },
  // Never a remote peer: no packet that reaches the server from outside carries such a source,
  // so an entry for one opens nothing and only hides a typo.
  unspecified: {
    address: "the unspecified address",
    range: "the unspecified address",
    remotePeer: false,
    neverPeerBecause: "no packet comes from it",
  },
  "this-network": {
    address: 'a "this network" address (0.0.0.0/8)',
    range: 'a "this network" range (0.0.0.0/8)',
    remotePeer: false,
    neverPeerBecause: "no packet from outside comes from it",
  },
  loopback: {
    address: "a loopback address",
    range: "a loopback range",
    remotePeer: false,
    neverPeerBecause: "it can never reach the server from outside",
  },
  multicast: { address: "a multicast address", range: "a multicast range", remotePeer: false, neverPeerBecause: DESTINATION_ONLY },
  broadcast: { address: "the broadcast address", range: "the broadcast address", remotePeer: false, neverPeerBecause: DESTINATION_ONLY },
  "future-use": {
    address: "an address reserved for future use (240.0.0.0/4)",
    range: "a range reserved for future use (240.0.0.0/4)",
    remotePeer: false,
    neverPeerBecause: "no host has one",
  },
  "ipv4-compatible": {
    address: "a deprecated IPv4-compatible IPv6 address (::/96)",
    range: "a range of deprecated IPv4-compatible IPv6 addresses (::/96)",
    remotePeer: false,
    neverPeerBecause: "no host uses one",
  },
  discard: {
    address: "a discard-only IPv6 address (100::/64)",
    range: "a discard-only IPv6 range (100::/64)",
    remotePeer: false,
    neverPeerBecause: "packets for it are dropped and none come from it",
  },
  // Remote peers that are not public: an operator may allow a LAN, a VPN or a lab range.
  private: { address: "a private network address (RFC 1918)", range: "a private network range (RFC 1918)", remotePeer: true },
  "unique-local": { address: "a unique local IPv6 address (fc00::/7)", range: "a unique local IPv6 range (fc00::/7)", remotePeer: true },
  "link-local": { address: "a link-local address", range: "a link-local range", remotePeer: true },
  // Carrier-grade NAT space is also what VPNs such as Tailscale hand out.
  shared: {
    address: "a carrier-grade NAT address (100.64.0.0/10), shared by many subscribers",
    range: "a carrier-grade NAT range (100.64.0.0/10), shared by many subscribers",
    remotePeer: true,
  },
  // Never routed on the Internet, but labs and this project's own tests use them as real
  // addresses; an entry for one is harmless.
  documentation: { address: "a documentation address", range: "a documentation range", remotePeer: true },
  benchmarking: { address: "a benchmarking address", range: "a benchmarking range", remotePeer: true },
  // AS112, AMT, NAT64, 6to4, Teredo, ORCHID, IETF assignments: real traffic may carry them
  // (a 6to4 or Teredo host, a NAT64 gateway), so they stay allowed as sources, but none is the
  // plain public address a traveler or an admin is.
  "special-purpose": { address: "a special-purpose address", range: "a special-purpose range", remotePeer: true },
};

type Block = [network: ipaddr.IPv4 | ipaddr.IPv6, prefix: number, AddressClass];

const block = (cidr: string, addressClass: AddressClass): Block => {
  const [network, prefix] = ipaddr.parseCIDR(cidr);
  return [network, prefix, addressClass];
};

const IPV4_BLOCKS: readonly Block[] = [
  block("0.0.0.0/8", "this-network"),
  block("10.0.0.0/8", "private"),
  block("100.64.0.0/10", "shared"),
  block("127.0.0.0/8", "loopback"),
  block("169.254.0.0/16", "link-local"),
  block("172.16.0.0/12", "private"),
  block("192.0.0.0/24", "special-purpose"),
  block("192.0.2.0/24", "documentation"),
  block("192.31.196.0/24", "special-purpose"),
  block("192.52.193.0/24", "special-purpose"),
  block("192.88.99.0/24", "special-purpose"),
  block("192.168.0.0/16", "private"),
  block("192.175.48.0/24", "special-purpose"),
  block("198.18.0.0/15", "benchmarking"),
  block("198.51.100.0/24", "documentation"),
  block("203.0.113.0/24", "documentation"),
  block("224.0.0.0/4", "multicast"),
  block("240.0.0.0/4", "future-use"),
  block("255.255.255.255/32", "broadcast"),
];

const IPV6_BLOCKS: readonly Block[] = [
  block("::/128", "unspecified"),
  block("::1/128", "loopback"),
  block("::/96", "ipv4-compatible"),
  block("::ffff:0:0:0/96", "special-purpose"),
  block("64:ff9b::/96", "special-purpose"),
  block("64:ff9b:1::/48", "special-purpose"),
  block("100::/64", "discard"),
  block("2001::/23", "special-purpose"),
  block("2001:2::/48", "benchmarking"),
  block("2001:db8::/32", "documentation"),
  block("2002::/16", "special-purpose"),
  block("2620:4f:8000::/48", "special-purpose"),
  block("3fff::/20", "documentation"),
  block("5f00::/16", "special-purpose"),
  block("fc00::/7", "unique-local"),
  block("fe80::/10", "link-local"),
  block("fec0::/10", "special-purpose"),
  block("ff00::/8", "multicast"),
];

/** An IP range as parseSource gives it: the canonical network address and its prefix length. */
export interface IpRange {
  family: 4 | 6;
  network: string;
  prefix: number;
}

/**
 * The class of the narrowest listed block holding the whole range; "public" when none does. A
 * range that swallows a smaller special block (8.0.0.0/5 holds 10.0.0.0/8) is public: the
 * special part never carries traffic from outside anyway. Not for IPv4-mapped addresses
 * (parseSource refuses them in favour of the IPv4 form).
 */
export function classifyRange(range: IpRange): AddressClass {
  return classifyNetwork(ipaddr.parse(range.network), range.prefix);
}

/** classifyRange for a network address ipaddr.js has already parsed. */
export function classifyNetwork(network: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): AddressClass {
  const blocks = network.kind() === "ipv4" ? IPV4_BLOCKS : IPV6_BLOCKS;
  let found: Block | undefined;
  for (const candidate of blocks) {
    const [blockNetwork, blockPrefix] = candidate;
    if (blockPrefix > prefix || (found !== undefined && blockPrefix <= found[1])) continue;
    if (network.match(blockNetwork, blockPrefix)) found = candidate;
  }
  return found?.[2] ?? "public";
}

/** "<text> is a loopback address" (or "… range" for a CIDR). */
export function describeRange(text: string, range: IpRange, addressClass: AddressClass): string {
  const info = ADDRESS_CLASSES[addressClass];
  return `${text} is ${range.prefix === (range.family === 4 ? 32 : 128) ? info.address : info.range}`;
}
