// An IPv4 address typed on a phone keypad, `*` for each dot (`12*34*56*78`), parsed strictly:
// the caller hears exactly why an entry was refused, and only a public unicast address can
// become a grant. ipaddr.js names the special ranges; the keypad syntax is ours, so its parser
// is hand-written (ipaddr.js would accept `010` or three-part forms a caller never meant).
import ipaddr from "ipaddr.js";
import type { PromptId } from "./prompts.ts";

export type DialedAddressError =
  | "invalid-characters"
  | "empty-part"
  | "part-count"
  | "part-range"
  | "leading-zero";

export type DialedAddressParse =
  | { ok: true; address: string }
  | { ok: false; error: DialedAddressError };

export function parseDialedIPv4(keys: string): DialedAddressParse {
  if (!/^[0-9*]+$/.test(keys)) return { ok: false, error: "invalid-characters" };
  const parts = keys.split("*");
  if (parts.some((part) => part === "")) return { ok: false, error: "empty-part" };
  if (parts.length !== 4) return { ok: false, error: "part-count" };
  if (parts.some((part) => part.length > 3 || Number(part) > 255)) {
    return { ok: false, error: "part-range" };
  }
  if (parts.some((part) => part.length > 1 && part.startsWith("0"))) {
    return { ok: false, error: "leading-zero" };
  }
  return { ok: true, address: parts.join(".") };
}

/** Why an otherwise well-formed address cannot be granted. */
export type AddressRefusal =
  | "private"
  | "loopback"
  | "link-local"
  | "multicast"
  | "shared"
  | "documentation"
  | "reserved";

export interface GrantAddressPolicy {
  /** Tests only: let 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 through. */
  allowDocumentationAddresses: boolean;
}

const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map((cidr) =>
  ipaddr.IPv4.parseCIDR(cidr),
);

const REFUSAL_BY_RANGE: Record<string, AddressRefusal> = {
  private: "private",
  loopback: "loopback",
  linkLocal: "link-local",
  multicast: "multicast",
  carrierGradeNat: "shared",
};

/** null when `address` (canonical dotted IPv4) is public unicast under `policy`. */
export function refusalForGrantAddress(
  address: string,
  policy: GrantAddressPolicy,
): AddressRefusal | null {
  const parsed = ipaddr.IPv4.parse(address);
  if (DOCUMENTATION_RANGES.some((range) => parsed.match(range))) {
    return policy.allowDocumentationAddresses ? null : "documentation";
  }
  const range = parsed.range();
  if (range === "unicast") return null;
  return REFUSAL_BY_RANGE[range] ?? "reserved";
}

export const DIALED_ADDRESS_ERROR_PROMPT: Record<DialedAddressError, PromptId> = {
  "invalid-characters": "invalid-entry",
  "empty-part": "address-empty-part",
  "part-count": "address-part-count",
  "part-range": "address-part-range",
  "leading-zero": "address-leading-zero",
};

export const ADDRESS_REFUSAL_PROMPT: Record<AddressRefusal, PromptId> = {
  private: "refused-private",
  loopback: "refused-loopback",
  "link-local": "refused-link-local",
  multicast: "refused-multicast",
  shared: "refused-shared",
  documentation: "refused-documentation",
  reserved: "refused-reserved",
};
