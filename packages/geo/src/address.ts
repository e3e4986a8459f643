// IP addresses as integers and back. The database keys ranges by integer (the *-num.csv files),
// so a lookup turns text into one and a network list turns integers into canonical text: IPv4
// dotted quads, IPv6 in RFC 5952 form (lower case, the first longest run of zero groups as ::),
// the form @gatehouse/core's source parser gives, so a country's networks compare equal to typed ones.
import { isIPv6 } from "node:net";

export type NumericAddress = { family: 4; value: number } | { family: 6; value: bigint };

const IPV4_SPACE = 1n << 32n;
const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;

function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Expands a text Node already accepted as IPv6 (no zone) into its eight groups' value. */
function parseIPv6(text: string): bigint | null {
  let body = text;
  let tail: bigint | null = null;
  const lastColon = body.lastIndexOf(":");
  if (body.includes(".", lastColon)) {
    const ipv4 = parseIPv4(body.slice(lastColon + 1));
    if (ipv4 === null) return null;
    tail = BigInt(ipv4);
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const [head = "", rest] = body.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const restGroups = rest === undefined || rest === "" ? [] : rest.split(":");
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill("0"), ...restGroups];
  if (groups.length !== 8) return null;
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  return tail === null ? value : (value & ~(IPV4_SPACE - 1n)) | tail;
}

/**
 * An address as its family and integer, or null for anything else (a CIDR, a zone, spaces).
 * An IPv4-mapped IPv6 address (::ffff:192.0.2.1, as a dual-stack socket reports IPv4 peers) is its IPv4 address.
 */
export function parseAddress(text: string): NumericAddress | null {
  if (!text.includes(":")) {
    const value = parseIPv4(text);
    return value === null ? null : { family: 4, value };
  }
  if (text.includes("%") || !isIPv6(text)) return null;
  const value = parseIPv6(text);
  if (value === null) return null;
  if (value >> 32n === 0xffffn) return { family: 4, value: Number(value & (IPV4_SPACE - 1n)) };
  return { family: 6, value };
}

/** An IPv4 address's dotted quad. */
export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** The first longest run of two or more zero groups, as [start, length], or null. */
function longestZeroRun(groups: readonly number[]): [number, number] | null {
  let best: [number, number] | null = null;
  let start = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= 2 && (best === null || i - start > best[1])) best = [start, i - start];
    start = -1;
  }
  return best;
}

/** An IPv6 address's RFC 5952 text. */
export function formatIPv6(value: bigint): string {
  const digits = value.toString(16).padStart(32, "0");
  const groups: number[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(Number.parseInt(digits.slice(i, i + 4), 16));
  const run = longestZeroRun(groups);
  const hex = (part: readonly number[]) => part.map((group) => group.toString(16)).join(":");
  if (run === null) return hex(groups);
  const [start, length] = run;
  return `${hex(groups.slice(0, start))}::${hex(groups.slice(start + length))}`;
}
