// The refusal rules of each use of an address, over the one parser (parseSource) and the one
// classification (address-class.ts). An allow entry takes any remote peer (parseSource itself);
// the uses below are narrower, each for the reason in its comment.
import { classifyRange, describeRange, type AddressClass } from "./address-class.ts";
import { GatehouseError } from "./errors.ts";
import { grantRefusalForClass, type GrantAddressPolicy } from "./ivr/grant-address.ts";
import { parseIpSource, parseSource, type ParsedIp, type ParsedSource, type SourceFloors } from "./source.ts";

const SINGLE_ADDRESS = { ipv4Floor: 32, ipv6Floor: 128 } as const;

function refuse(message: string, details?: Record<string, unknown>): never {
  throw new GatehouseError("BAD_INPUT", message, details);
}

function isSingleAddress(parsed: ParsedIp): boolean {
  return parsed.prefix === (parsed.family === 4 ? 32 : 128);
}

/**
 * A traveler's grant: one public unicast address, the one they come from. A range would open
 * the server to their neighbours; private, shared and special addresses are not where a
 * traveler's packets come from across the Internet. Returns the canonical address.
 */
export function parseGrantAddress(text: string, policy: GrantAddressPolicy): string {
  if (typeof text === "string" && text.includes("/")) {
    refuse(`${text.trim()} is a range; a grant is one address, written without a prefix length`);
  }
  const parsed = parseIpSource(text, SINGLE_ADDRESS);
  const addressClass = classifyRange(parsed);
  const refusal = grantRefusalForClass(addressClass, policy);
  if (refusal) refuse(`${describeRange(parsed.canonical, parsed, addressClass)}; only a public address can be granted`, { refusal });
  return parsed.canonical;
}

/** The reason `text` cannot be granted (parseGrantAddress's message), or null when it can. */
export function grantAddressProblem(text: string, policy: GrantAddressPolicy): string | null {
  try {
    parseGrantAddress(text, policy);
    return null;
  } catch (error) {
    if (error instanceof GatehouseError) return error.message;
    throw error;
  }
}

/** Classes an admin address may have: public, and documentation ranges (labs and examples use them). */
const ADMIN_CLASSES: ReadonlySet<AddressClass> = new Set(["public", "documentation"]);

/**
 * A server's primary admin source: a public address or CIDR, or a host name (resolved by the
 * agent). It is always allowed, whatever the allowlist says, so a LAN or VPN range does not
 * belong here: those go in the server's LAN ranges.
 */
export function parseAdminSource(text: string, floors: SourceFloors = {}): ParsedSource {
  const parsed = parseSource(text, floors);
  if (parsed.kind === "fqdn" && parsed.sipDomain !== undefined) {
    refuse(`${parsed.canonical} is a SIP domain; the primary admin source is one address, range or host name (allow the provider with an entry)`);
  }
  if (parsed.kind === "country") {
    refuse(`${parsed.canonical} is a country; the primary admin source is one address, range or host name`);
  }
  if (parsed.kind === "fqdn") return parsed;
  const addressClass = classifyRange(parsed);
  if (!ADMIN_CLASSES.has(addressClass)) {
    refuse(`${describeRange(parsed.canonical, parsed, addressClass)}; the primary admin source must be public (put LAN and VPN ranges in the server's LAN ranges)`);
  }
  return parsed;
}

/** Classes a LAN range may have: the networks a server can share with its own LAN. */
const LAN_CLASSES: ReadonlySet<AddressClass> = new Set(["private", "unique-local", "link-local"]);

/** The breadth of a LAN range is bounded by its class (at most 10.0.0.0/8 or fc00::/7), not by the floors. */
const ANY_BREADTH = { ipv4Floor: 1, ipv6Floor: 1 } as const;

/**
 * A server's LAN range: private (RFC 1918), unique local or link-local, never a host name. LAN
 * ranges get every service, so a public range here would open the server to the Internet.
 */
export function parseLanRange(text: string): ParsedIp {
  const parsed = parseIpSource(text, ANY_BREADTH);
  const addressClass = classifyRange(parsed);
  if (!LAN_CLASSES.has(addressClass)) {
    const what = isSingleAddress(parsed) ? "address" : "range";
    refuse(`${describeRange(parsed.canonical, parsed, addressClass)}, not a LAN ${what}: LAN ranges are private (RFC 1918), unique local (fc00::/7) or link-local`);
  }
  return parsed;
}
