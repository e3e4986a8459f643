// Set members as the kernel stores them: one canonical string per network, no member covered by
// another, sorted by address. Both ipset (hash:net) and nftables list members back in this form,
// so what we load is exactly what verify() reads back, and a delta never deletes a member the
// kernel merged away. (We normalise here instead of using nft's `auto-merge`, which also merges
// adjacent networks and so makes the live set differ from what we wrote.)
import ipaddr from "ipaddr.js";

export type Family = 4 | 6;

/** IPv4 bounds as numbers (fast to sort: 100k members per set), IPv6 bounds as bigints. */
export type Network =
  | { family: 4; start: number; end: number; prefix: number; text: string }
  | { family: 6; start: bigint; end: bigint; prefix: number; text: string };

// Hand-written for IPv4 because ipaddr.js takes ~3 µs per address, a third of a second for a
// 100k list on every apply. Octets with leading zeros are refused (octal in some parsers).
const PREFIX = /^(0|[1-9]\d{0,2})$/;

function invalid(source: string): Error {
  return new Error(`${source} is not an IP address or CIDR`);
}

function parsePrefix(source: string, text: string | undefined, bits: number): number {
  if (text === undefined) return bits;
  const prefix = Number(text);
  if (!PREFIX.test(text) || prefix > bits) throw new Error(`${source} has an invalid prefix length`);
  // Defence in depth: the parser already refuses over-broad ranges; a /0 must never open a set.
  if (prefix === 0) throw new Error(`${source} would match every address`);
  return prefix;
}

function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The address as a number, or negative when the text is not a dotted quad. */
function ipv4Value(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (code - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (code === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1;
}

function ipv4Network(start: number, prefix: number): Extract<Network, { family: 4 }> {
  const text = prefix === 32 ? formatIpv4(start) : `${formatIpv4(start)}/${prefix}`;
  return { family: 4, start, end: start + 2 ** (32 - prefix) - 1, prefix, text };
}

/** start * 64 + prefix for a plain IPv4 host or CIDR, or -1 (then parseNetwork decides). */
function ipv4SortKey(source: string): number {
  const slash = source.indexOf("/");
  const value = ipv4Value(slash < 0 ? source : source.slice(0, slash));
  if (value < 0) return -1;
  const prefixText = slash < 0 ? "" : source.slice(slash + 1);
  const prefix = slash < 0 ? 32 : PREFIX.test(prefixText) ? Number(prefixText) : 0;
  if (prefix < 1 || prefix > 32) return -1;
  const size = 2 ** (32 - prefix);
  return (value - (value % size)) * 64 + prefix;
}

function parseIpv4(source: string, addressText: string, prefixText: string | undefined): Network | null {
  const value = ipv4Value(addressText);
  if (value < 0 && addressText.includes(":")) return null;
  if (value < 0) throw invalid(source);
  const prefix = parsePrefix(source, prefixText, 32);
  const size = 2 ** (32 - prefix);
  return ipv4Network(value - (value % size), prefix);
}

function parseIpv6(source: string, addressText: string, prefixText: string | undefined): Network {
  if (!addressText.includes(":") || !ipaddr.IPv6.isValid(addressText)) throw invalid(source);
  const address = ipaddr.IPv6.parse(addressText);
  if (address.zoneId !== undefined) throw invalid(source);
  const prefix = parsePrefix(source, prefixText, 128);
  let value = 0n;
  for (const part of address.parts) value = (value << 16n) | BigInt(part);
  const hostBits = BigInt(128 - prefix);
  const start = (value >> hostBits) << hostBits;
  const parts: number[] = [];
  for (let i = 7; i >= 0; i--) parts.push(Number((start >> BigInt(i * 16)) & 0xffffn));
  const startText = new ipaddr.IPv6(parts).toRFC5952String();
  const text = prefix === 128 ? startText : `${startText}/${prefix}`;
  return { family: 6, start, end: start + (1n << hostBits) - 1n, prefix, text };
}

/** Parses a canonical address or CIDR (the resolver's output). Throws on anything else. */
export function parseNetwork(source: string): Network {
  if (source.indexOf("/") < 0) {
    // The usual source, a single IPv4 address: a dotted quad ipv4Value accepts is canonical.
    const value = ipv4Value(source);
    if (value >= 0) return { family: 4, start: value, end: value, prefix: 32, text: source };
  }
  const [addressText = "", prefixText, extra] = source.split("/");
  if (extra !== undefined) throw invalid(source);
  return parseIpv4(source, addressText, prefixText) ?? parseIpv6(source, addressText, prefixText);
}

/** The canonical text of one member as read back from the kernel, e.g. "2001:db8:0::1" -> "2001:db8::1". */
export function canonicalMember(source: string): string {
  return parseNetwork(source).text;
}

/** Keeps the first of each run of nested networks (input sorted by start, then prefix). */
function withoutCovered<N extends number | bigint>(networks: Array<{ start: N; end: N; text: string }>, before: N): string[] {
  const kept: string[] = [];
  let coveredUpTo = before;
  for (const network of networks) {
    if (network.start <= coveredUpTo) continue;
    kept.push(network.text);
    coveredUpTo = network.end;
  }
  return kept;
}

/**
 * Canonical, sorted members per family, with duplicates and networks covered by a broader one
 * removed (CIDRs are either nested or disjoint, so one sweep suffices).
 */
export function normaliseByFamily(sources: Iterable<string>): Record<Family, string[]> {
  const v4Keys: number[] = [];
  const v6: Array<Extract<Network, { family: 6 }>> = [];
  for (const source of sources) {
    const key = ipv4SortKey(source);
    if (key >= 0) {
      v4Keys.push(key);
      continue;
    }
    const network = parseNetwork(source);
    if (network.family === 4) v4Keys.push(network.start * 64 + network.prefix);
    else v6.push(network);
  }
  v6.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.prefix - b.prefix));
  return { 4: sortedIpv4Members(v4Keys), 6: withoutCovered(v6, -1n) };
}

/**
 * IPv4 networks sort as one number each (start * 64 + prefix) in a typed array: a native
 * numeric sort and no objects, for lists of 100k travelers and trunk addresses.
 */
function sortedIpv4Members(keys: number[]): string[] {
  const sorted = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) sorted[i] = keys[i]!;
  sorted.sort();
  const kept: string[] = [];
  let coveredUpTo = -1;
  for (let i = 0; i < sorted.length; i++) {
    const key = sorted[i]!;
    const prefix = key % 64;
    const start = (key - prefix) / 64;
    if (start <= coveredUpTo) continue;
    kept.push(prefix === 32 ? formatIpv4(start) : `${formatIpv4(start)}/${prefix}`);
    coveredUpTo = start + 2 ** (32 - prefix) - 1;
  }
  return kept;
}

export function normaliseMembers(sources: Iterable<string>, family: Family): string[] {
  return normaliseByFamily(sources)[family];
}

/** True for a single address (/32 or /128), written without a prefix length. */
export function isHostMember(member: string): boolean {
  return !member.includes("/");
}
