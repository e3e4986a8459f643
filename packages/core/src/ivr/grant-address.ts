// Which addresses a traveler may be granted: public unicast only, as the one classification
// (address-class.ts) says, and why not otherwise, as a refusal the IVR can speak.
import { classifyRange, type AddressClass } from "../address-class.ts";
import { parseObservedAddress } from "../source.ts";
import type { PromptId } from "./prompts.ts";

/** Why a well-formed address cannot be granted. */
export type AddressRefusal =
  | "private"
  | "loopback"
  | "link-local"
  | "multicast"
  | "shared"
  | "documentation"
  | "reserved";

export interface GrantAddressPolicy {
  /** Tests only: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32 become grantable. */
  allowDocumentationAddresses: boolean;
}

const REFUSAL_BY_CLASS: Record<Exclude<AddressClass, "public">, AddressRefusal> = {
  private: "private",
  "unique-local": "private",
  loopback: "loopback",
  "link-local": "link-local",
  multicast: "multicast",
  shared: "shared",
  documentation: "documentation",
  unspecified: "reserved",
  "this-network": "reserved",
  broadcast: "reserved",
  "future-use": "reserved",
  "ipv4-compatible": "reserved",
  discard: "reserved",
  benchmarking: "reserved",
  "special-purpose": "reserved",
};

/** null when an address of this class may be granted under `policy`. */
export function grantRefusalForClass(addressClass: AddressClass, policy: GrantAddressPolicy): AddressRefusal | null {
  if (addressClass === "public") return null;
  if (addressClass === "documentation" && policy.allowDocumentationAddresses) return null;
  return REFUSAL_BY_CLASS[addressClass];
}

/**
 * null when `address` (one address as the IVR's dialed-address parser or a socket gives it; a
 * mapped ::ffff:a.b.c.d counts as a.b.c.d) may be granted under `policy`. Throws BAD_INPUT when
 * it is not one strictly written address.
 */
export function refusalForGrantAddress(address: string, policy: GrantAddressPolicy): AddressRefusal | null {
  const parsed = parseObservedAddress(address);
  return grantRefusalForClass(classifyRange(parsed), policy);
}

export const ADDRESS_REFUSAL_PROMPT: Record<AddressRefusal, PromptId> = {
  private: "refused-private",
  loopback: "refused-loopback",
  "link-local": "refused-link-local",
  multicast: "refused-multicast",
  shared: "refused-shared",
  documentation: "refused-documentation",
  reserved: "refused-reserved",
};
