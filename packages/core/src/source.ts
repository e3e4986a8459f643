// The one parser for allowlist sources (IPv4/IPv6 address, CIDR, host name, SIP domain by SRV,
// country by a geo database). Every address an
// operator, a provider preset or a traveler gives passes through here before it is stored (each
// use adds its own rules in source-rules.ts), and only its canonical form ever reaches a firewall. ipaddr.js does the address math; the gate in
// front of it is hand-written because ipaddr.js is lenient where we must not be: it accepts
// `010.1.1.1`, `0x7f.1`, three-part IPv4 and zone ids, and reads `::1.2.3.4` as `::ffff:1.2.3.4`.
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { ADDRESS_CLASSES, classifyNetwork, describeRange, type IpRange } from "./address-class.ts";
import { isCountryText, parseCountrySource, type ParsedCountry } from "./country.ts";
import { GatehouseError } from "./errors.ts";
import { SIP_DOMAIN_PREFIX } from "./sip-domain.ts";

export interface ParsedIp extends IpRange {
  kind: "ip";
  canonical: string;
}

/** A host name the agent resolves; `sipDomain` is set for `srv:<domain>` (see sip-domain.ts). */
interface ParsedFqdn {
  kind: "fqdn";
  canonical: string;
  sipDomain?: string;
}

/** An address or CIDR, a host name, or a country (`country:CA`, see country.ts). */
export type ParsedSource = ParsedIp | ParsedFqdn | ParsedCountry;

export interface SourceFloors {
  /** Broadest IPv4 prefix accepted (default 8: a /8 is 16 million addresses). */
  ipv4Floor?: number;
  /** Broadest IPv6 prefix accepted (default 32: one provider allocation). */
  ipv6Floor?: number;
}

export const DEFAULT_IPV4_FLOOR = 8;
export const DEFAULT_IPV6_FLOOR = 32;
/** The longest host name (253) plus its optional trailing dot. */
const MAX_SOURCE_LENGTH = 254;

const MAX_FQDN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

function refuse(message: string): never {
  throw new GatehouseError("BAD_INPUT", message);
}

function describeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** What a whitespace character is called on a keyboard. */
function whitespaceName(char: string): string {
  if (char === " " || char === "\u00a0") return "a space";
  if (char === "\t") return "a tab";
  if (char === "\n" || char === "\r") return "a line break";
  return `a blank character (${describeCharacter(char)})`;
}

/** Refuses empty, over-long and any text with a character no address or host name contains. */
function gate(text: string): void {
  if (text === "") refuse("nothing was given: type an IP address (198.51.100.7), a CIDR range (198.51.100.0/24) or a host name (sip.example.com)");
  if (text.length > MAX_SOURCE_LENGTH) {
    refuse(`that is ${text.length} characters long; an address or host name has ${MAX_SOURCE_LENGTH} at most`);
  }
  if (text.startsWith("*.")) {
    refuse(`wildcards are not supported (${text}): list each host name on its own`);
  }
  let position = 0;
  for (const char of text) {
    position += 1;
    if (/^[A-Za-z0-9.:/-]$/.test(char)) continue;
    const before = [...text].slice(0, position - 1).join("");
    const where = before === "" ? "at the start" : `after "${before}"`;
    if (/^\s$/u.test(char)) {
      refuse(`there is ${whitespaceName(char)} ${where}: give one address, CIDR range or host name per entry`);
    }
    if (char === "%" && text.includes(":")) {
      refuse(`${before} is followed by an interface name (${text.slice(before.length)}): an allowed address is written without one`);
    }
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) {
      refuse(`there is an invisible control character (${describeCharacter(char)}) ${where}: type the address again rather than pasting it`);
    }
    if (code > 0x7f) {
      refuse(
        `${JSON.stringify(char)} (${describeCharacter(char)}) is not a plain letter or digit: ` +
          "addresses are written in plain digits, and international host names in their xn-- form (punycode)",
      );
    }
    refuse(`${JSON.stringify(char)} cannot appear in an IP address, CIDR range or host name (only letters, digits, ".", "-", ":" and "/" can)`);
  }
}

// --- IPv4 -------------------------------------------------------------------------------------

/** The four octets of a strict dotted quad, or the reason it is not one. */
function parseIPv4Octets(text: string): { ok: true; octets: number[] } | { ok: false; reason: string } {
  const parts = text.split(".");
  if (parts.length !== 4) {
    return { ok: false, reason: `it has ${parts.length} part${parts.length === 1 ? "" : "s"}, not 4` };
  }
  const octets: number[] = [];
  for (const [index, part] of parts.entries()) {
    const n = index + 1;
    if (part === "") return { ok: false, reason: `octet ${n} is empty` };
    if (!/^\d+$/.test(part)) return { ok: false, reason: `octet ${n} (${part}) is not a decimal number` };
    if (part.length > 1 && part.startsWith("0")) {
      return { ok: false, reason: `octet ${n} (${part}) has a leading zero, which some tools read as octal` };
    }
    const value = Number(part);
    if (value > 255) return { ok: false, reason: `octet ${n} is ${part}` };
    octets.push(value);
  }
  return { ok: true, octets };
}

function parseIPv4(text: string): ipaddr.IPv4 {
  const result = parseIPv4Octets(text);
  if (!result.ok) refuse(`${text} is not an IPv4 address: ${result.reason}`);
  return new ipaddr.IPv4(result.octets);
}

// --- IPv6 -------------------------------------------------------------------------------------

/** Rewrites a dotted IPv4 tail (`64:ff9b::192.0.2.1`) as two hex groups, checked strictly. */
function withHexTail(text: string, groups: string[]): string[] {
  const last = groups[groups.length - 1] ?? "";
  if (!last.includes(".")) return groups;
  const tail = parseIPv4Octets(last);
  if (!tail.ok) refuse(`${text} is not an IPv6 address: its IPv4 part ${last} is invalid: ${tail.reason}`);
  const [a = 0, b = 0, c = 0, d = 0] = tail.octets;
  return [...groups.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

function parseIPv6(text: string): ipaddr.IPv6 {
  const invalid = (reason: string): never => refuse(`${text} is not an IPv6 address: ${reason}`);
  const halves = text.split("::");
  if (halves.length > 2) invalid("it has more than one '::'");
  const split = (half: string): string[] => (half === "" ? [] : half.split(":"));
  const head = split(halves[0] ?? "");
  const tail = halves.length === 2 ? withHexTail(text, split(halves[1] ?? "")) : [];
  const groups = halves.length === 2 ? [...head, ...tail] : withHexTail(text, head);
  for (const group of groups) {
    if (group === "") invalid("it has an empty group (a stray ':')");
    if (group.includes(".")) invalid("an IPv4 part may only come last");
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) invalid(`group ${group} is not 1 to 4 hex digits`);
  }
  if (halves.length === 2 && groups.length > 7) invalid(`it has ${groups.length} groups besides '::', at most 7`);
  if (halves.length === 1 && groups.length !== 8) invalid(`it has ${groups.length} groups, not 8`);
  const rebuilt = halves.length === 2 ? `${head.join(":")}::${tail.join(":")}` : groups.join(":");
  try {
    return ipaddr.IPv6.parse(rebuilt);
  } catch {
    return invalid("it is not a valid IPv6 address");
  }
}

// --- CIDR -------------------------------------------------------------------------------------

function parsePrefix(text: string, prefixText: string, bits: number): number {
  if (prefixText === "") refuse(`${text} has an empty prefix length after '/'`);
  if (!/^\d+$/.test(prefixText)) refuse(`${text} has a prefix length (${prefixText}) that is not a number`);
  if (prefixText.length > 1 && prefixText.startsWith("0")) {
    refuse(`${text} has a prefix length with a leading zero (${prefixText})`);
  }
  const prefix = Number(prefixText);
  if (prefix > bits) refuse(`${text} has a prefix length of ${prefixText}; IPv${bits === 32 ? 4 : 6} allows at most ${bits}`);
  return prefix;
}

function formatAddress(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  return address instanceof ipaddr.IPv6 ? address.toRFC5952String() : address.toString();
}

function networkOf(address: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = address.toByteArray().map((byte, index) => {
    const keep = Math.max(0, Math.min(8, prefix - index * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  return ipaddr.fromByteArray(bytes);
}

function checkFloor(text: string, family: 4 | 6, prefix: number, floor: number): void {
  if (prefix === 0) {
    refuse(`${text} would allow every IPv${family} address; allowing the whole Internet is refused`);
  }
  if (prefix < floor) {
    refuse(`${text} is too broad: the widest IPv${family} range allowed is /${floor}`);
  }
}

function checkFloorOption(name: string, value: number, bits: number): number {
  if (!Number.isInteger(value) || value < 1 || value > bits) {
    throw new RangeError(`${name} must be an integer from 1 to ${bits}, got ${value}`);
  }
  return value;
}

/** How strictly an IP text is read, by who gives it. */
interface IpReading {
  floors: Required<SourceFloors>;
  /** Allowlist sources: refuse what can never be a remote peer (loopback, multicast, …). */
  remotePeersOnly: boolean;
  /** "refuse" for what a person typed; "read-as-ipv4" for what a dual-stack socket reports. */
  mapped: "refuse" | "read-as-ipv4";
}

function refuseMapped(text: string, network: ipaddr.IPv6, prefix: number): never {
  // An ip6tables/nft ip6 rule never sees IPv4 traffic, so a mapped source would silently
  // match nothing: the operator meant the IPv4 address.
  const ipv4 = network.toIPv4Address().toString();
  return refuse(`${text} is an IPv4-mapped IPv6 address: use the IPv4 form ${prefix === 128 ? ipv4 : `${ipv4}/${prefix - 96}`}`);
}

/** `1.2.3.4/8` names 1.0.0.0/8 but looks like one host: say so rather than widen it silently. */
function refuseHostBits(text: string, address: ipaddr.IPv4 | ipaddr.IPv6, network: string, prefix: number): void {
  if (formatAddress(address) !== network) {
    refuse(`${text} is not where a /${prefix} range starts: did you mean ${network}/${prefix} (the whole range) or ${formatAddress(address)} (that one address)?`);
  }
}

function refuseNeverPeer(text: string, range: IpRange, networkAddress: ipaddr.IPv4 | ipaddr.IPv6): void {
  if (range.network === (range.family === 4 ? "0.0.0.0" : "::") && range.prefix === (range.family === 4 ? 32 : 128)) {
    refuse(`${text} is the unspecified address, which no packet comes from; it is not a source`);
  }
  const addressClass = classifyNetwork(networkAddress, range.prefix);
  const because = ADDRESS_CLASSES[addressClass].neverPeerBecause;
  if (because === undefined) return;
  const ipv4Hint = addressClass === "ipv4-compatible" && range.prefix === 128 ? `: for the IPv4 address write ${embeddedIPv4(range.network)}` : "";
  refuse(`${describeRange(text, range, addressClass)}; ${because}${ipv4Hint}`);
}

/** The last 32 bits of an IPv6 address as a dotted quad (`::102:304` → 1.2.3.4). */
function embeddedIPv4(ipv6: string): string {
  return ipaddr.IPv6.parse(ipv6).toByteArray().slice(12).join(".");
}

function parseIp(text: string, reading: IpReading): ParsedIp {
  const slash = text.indexOf("/");
  if (slash !== text.lastIndexOf("/")) refuse(`${text} has more than one '/'`);
  if (text.split(":").length === 2) {
    refuse(`${text} looks like an address with a port: give the address only (the services set the ports)`);
  }
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = addressText.includes(":") ? parseIPv6(addressText) : parseIPv4(addressText);
  const bits = address instanceof ipaddr.IPv6 ? 128 : 32;
  const prefix = slash === -1 ? bits : parsePrefix(text, text.slice(slash + 1), bits);
  const networkAddress = networkOf(address, prefix);
  if (networkAddress instanceof ipaddr.IPv6 && networkAddress.isIPv4MappedAddress()) {
    if (reading.mapped === "refuse" || prefix !== 128) refuseMapped(text, networkAddress, prefix);
    return parseIp(networkAddress.toIPv4Address().toString(), reading);
  }
  const family = bits === 32 ? 4 : 6;
  checkFloor(text, family, prefix, family === 4 ? reading.floors.ipv4Floor : reading.floors.ipv6Floor);
  const network = formatAddress(networkAddress);
  if (prefix !== bits) refuseHostBits(text, address, network, prefix);
  if (reading.remotePeersOnly) refuseNeverPeer(text, { family, network, prefix }, networkAddress);
  const canonical = prefix === bits ? network : `${network}/${prefix}`;
  return { kind: "ip", family, canonical, network, prefix };
}

// --- Host names -------------------------------------------------------------------------------

function parseFqdn(text: string): ParsedFqdn {
  const invalid = (reason: string): never => refuse(`${text} is not a host name: ${reason}`);
  if (text.includes("/")) invalid("a host name cannot have a /prefix");
  const name = (text.endsWith(".") ? text.slice(0, -1) : text).toLowerCase();
  if (name.length > MAX_FQDN_LENGTH) invalid(`it is ${name.length} characters long, at most ${MAX_FQDN_LENGTH}`);
  const labels = name.split(".");
  for (const label of labels) {
    if (label === "") invalid("it has an empty part between dots (two dots in a row, or a dot at the start)");
    if (label.length > MAX_LABEL_LENGTH) invalid(`its part ${label.slice(0, 20)}... is longer than ${MAX_LABEL_LENGTH} characters`);
    if (label.startsWith("-")) invalid(`its part ${label} starts with a hyphen`);
    if (label.endsWith("-")) invalid(`its part ${label} ends with a hyphen`);
  }
  if (labels.length < 2) invalid("a host name has at least two parts, like pbx.example.com");
  const tld = labels[labels.length - 1] ?? "";
  // Real top-level domains start with a letter; this also catches mistyped addresses (`198.51.100.7o`).
  if (!/^[a-z]/.test(tld)) invalid(`its last part (${tld}) must start with a letter; a mistyped address?`);
  return { kind: "fqdn", canonical: name };
}

/** `srv:<domain>`: a host name whose SIP servers are found by SRV. */
function parseSipDomain(text: string): ParsedFqdn {
  const rest = text.slice(SIP_DOMAIN_PREFIX.length);
  if (rest === "") refuse(`${text} names no SIP domain: write the provider's domain after srv:, like srv:sip.example.net`);
  if (rest.startsWith("_")) {
    refuse(`${text}: give the SIP domain only (srv:${rest.replace(/^(_[^.]*\.)+/, "")}); the agent asks _sip._udp, _sip._tcp and _sips._tcp itself`);
  }
  gate(rest);
  if (rest.includes(":") || /^[0-9./]+$/.test(rest)) refuse(`${text}: srv: takes a SIP domain (a host name), not an address`);
  const domain = parseFqdn(rest).canonical;
  if (domain.length > MAX_FQDN_LENGTH - SIP_DOMAIN_PREFIX.length) {
    refuse(`${text} is too long: a SIP domain has ${MAX_FQDN_LENGTH - SIP_DOMAIN_PREFIX.length} characters at most`);
  }
  return { kind: "fqdn", canonical: `${SIP_DOMAIN_PREFIX}${domain}`, sipDomain: domain };
}

function readingFor(options: SourceFloors, rest: Omit<IpReading, "floors">): IpReading {
  const floors = {
    ipv4Floor: checkFloorOption("ipv4Floor", options.ipv4Floor ?? DEFAULT_IPV4_FLOOR, 32),
    ipv6Floor: checkFloorOption("ipv6Floor", options.ipv6Floor ?? DEFAULT_IPV6_FLOOR, 128),
  };
  return { floors, ...rest };
}

/** Trimmed, gated text and whether it looks like an address (else it is read as a host name). */
function prepare(text: string): { text: string; looksLikeIp: boolean } {
  if (typeof text !== "string") refuse("source must be text");
  const trimmed = text.trim();
  gate(trimmed);
  const beforePrefix = trimmed.split("/")[0] ?? "";
  if (beforePrefix === "") refuse(`${trimmed} has no address before the '/'`);
  refuseHexIPv4(trimmed, beforePrefix);
  return { text: trimmed, looksLikeIp: beforePrefix.includes(":") || /^[0-9.]+$/.test(beforePrefix) };
}

/** `0x08080808` or `0x7f.1`: IPv4 in a notation some tools read and a person never means. */
function refuseHexIPv4(text: string, beforePrefix: string): void {
  const parts = beforePrefix.split(".");
  if (parts.some((part) => /^0x/i.test(part)) && parts.every((part) => /^(0x[0-9a-f]*|\d+)$/i.test(part))) {
    refuse(`${text} is not an IPv4 address: it is written in hex; write four decimal numbers, like 198.51.100.7`);
  }
}

/**
 * Parses one allowlist source as typed by a person (surrounding whitespace is trimmed) into its
 * canonical form: an address, a CIDR (host bits clear), a host name, `srv:<SIP domain>` or
 * `country:<code>`. A source that can never be a remote peer is refused. Throws
 * GatehouseError("BAD_INPUT") saying exactly what is wrong.
 */
export function parseSource(text: string, options: SourceFloors = {}): ParsedSource {
  const reading = readingFor(options, { remotePeersOnly: true, mapped: "refuse" });
  if (typeof text === "string" && isCountryText(text)) return parseCountrySource(text);
  if (typeof text === "string" && text.trim().toLowerCase().startsWith(SIP_DOMAIN_PREFIX)) {
    return parseSipDomain(SIP_DOMAIN_PREFIX + text.trim().slice(SIP_DOMAIN_PREFIX.length));
  }
  const prepared = prepare(text);
  return prepared.looksLikeIp ? parseIp(prepared.text, reading) : parseFqdn(prepared.text);
}

/** parseSource for a field that takes an address or CIDR only, never a host name. */
export function parseIpSource(text: string, options: SourceFloors = {}): ParsedIp {
  const reading = readingFor(options, { remotePeersOnly: true, mapped: "refuse" });
  const prepared = prepare(text);
  if (!prepared.looksLikeIp) refuse(`${prepared.text} is not an IP address or CIDR`);
  return parseIp(prepared.text, reading);
}

/**
 * An address or CIDR naming machines of our own in configuration (the Asterisk boxes that may
 * speak FastAGI, reverse proxies): the same strict syntax, but loopback is fine there.
 */
export function parseConfiguredRange(text: string): ParsedIp {
  const prepared = prepare(text);
  if (!prepared.looksLikeIp) refuse(`${prepared.text} is not an IP address or CIDR`);
  return parseIp(prepared.text, readingFor({}, { remotePeersOnly: false, mapped: "refuse" }));
}

/**
 * An address a machine reports for a peer (an X-Forwarded-For hop): strict syntax, no prefix,
 * and `::ffff:a.b.c.d` (a dual-stack socket's view of an IPv4 peer) read as a.b.c.d.
 */
export function parseObservedAddress(text: string): ParsedIp {
  const prepared = prepare(text);
  if (!prepared.looksLikeIp || prepared.text.includes("/")) refuse(`${prepared.text} is not an IP address`);
  return parseIp(prepared.text, readingFor({}, { remotePeersOnly: false, mapped: "read-as-ipv4" }));
}

/** A zod schema for a source field: outputs the ParsedSource, or an issue with parseSource's message. */
export function sourceSchemaWith(options: SourceFloors = {}) {
  return z.string().transform((text, context): ParsedSource => {
    try {
      return parseSource(text, options);
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      context.addIssue({ code: "custom", message: error.message });
      return z.NEVER;
    }
  });
}

export const sourceSchema = sourceSchemaWith();
