// Set members as the kernel stores them: one canonical string per network, no member covered by
// another, sorted by address. Both ipset (hash:net) and nftables list members back in this form,
// so what we load is exactly what verify() reads back, and a delta never deletes a member the
// kernel merged away. (We normalise here instead of using nft's `auto-merge`, which also merges
// adjacent networks and so makes the live set differ from what we wrote.)
import ipaddr from "ipaddr.js";

export type Family = 4 | 6;

interface Network {
  family: Family;
  start: bigint;
  end: bigint;
  prefix: number;
  text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function toBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function formatAddress(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

function fromBigInt(value: bigint, family: Family): string {
  const bytes: number[] = [];
  for (let i = 0; i < BITS[family] / 8; i++) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  return formatAddress(ipaddr.fromByteArray(bytes));
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(":") && ipaddr.IPv6.isValid(text)) {
    const v6 = ipaddr.IPv6.parse(text);
    return v6.zoneId === undefined ? v6 : null;
  }
  return null;
}

/** Parses a canonical address or CIDR (the resolver's output). Throws on anything else. */
export function parseNetwork(source: string): Network {
  const [addressText = "", prefixText, extra] = source.split("/");
  const address = parseAddress(addressText);
  if (address === null || extra !== undefined) {
    throw new Error(`${source} is not an IP address or CIDR`);
  }
  const family: Family = address.kind() === "ipv4" ? 4 : 6;
  const bits = BITS[family];
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? "0") || !Number.isInteger(prefix) || prefix > bits) {
    throw new Error(`${source} has an invalid prefix length`);
  }
  // Defence in depth: the parser already refuses over-broad ranges; a /0 must never open a set.
  if (prefix === 0) throw new Error(`${source} would match every address`);
  const hostBits = BigInt(bits - prefix);
  const start = (toBigInt(address.toByteArray()) >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  const text = prefix === bits ? formatAddress(address) : `${fromBigInt(start, family)}/${prefix}`;
  return { family, start, end, prefix, text };
}

/** The canonical text of one member as read back from the kernel, e.g. "2001:db8:0::1" -> "2001:db8::1". */
export function canonicalMember(source: string): string {
  return parseNetwork(source).text;
}

export function familyOf(source: string): Family {
  return parseNetwork(source).family;
}

/**
 * Canonical, sorted members of one family, with duplicates and networks covered by a broader
 * one removed (CIDRs are either nested or disjoint, so one sweep suffices).
 */
export function normaliseMembers(sources: Iterable<string>, family: Family): string[] {
  const networks: Network[] = [];
  for (const source of sources) {
    const network = parseNetwork(source);
    if (network.family === family) networks.push(network);
  }
  networks.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.prefix - b.prefix));
  const kept: string[] = [];
  let coveredUpTo = -1n;
  for (const network of networks) {
    if (network.start <= coveredUpTo) continue;
    kept.push(network.text);
    coveredUpTo = network.end;
  }
  return kept;
}

/** True for a single address (/32 or /128), written without a prefix length. */
export function isHostMember(member: string): boolean {
  return !member.includes("/");
}
