// Which addresses a traveler may be granted: public unicast only (core's isPublicUnicastIPv4
// decides for IPv4), and why not otherwise, in words the IVR can speak. The link page can see
// IPv6 callers too; ipaddr.js names IPv6's special ranges.
import ipaddr from "ipaddr.js";
import { isPublicUnicastIPv4 } from "../source.ts";
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

const IPV4_DOCUMENTATION = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map((cidr) => ipaddr.IPv4.parseCIDR(cidr));
const IPV6_DOCUMENTATION = ipaddr.IPv6.parseCIDR("2001:db8::/32");

const REFUSAL_BY_RANGE: Record<string, AddressRefusal> = {
  private: "private",
  uniqueLocal: "private",
  loopback: "loopback",
  linkLocal: "link-local",
  multicast: "multicast",
  carrierGradeNat: "shared",
};

/** null when `address` (an IPv4 or IPv6 address) may be granted under `policy`. */
export function refusalForGrantAddress(address: string, policy: GrantAddressPolicy): AddressRefusal | null {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6") {
    const ipv6 = parsed as ipaddr.IPv6;
    if (ipv6.isIPv4MappedAddress()) return refusalForGrantAddress(ipv6.toIPv4Address().toString(), policy);
    if (ipv6.match(IPV6_DOCUMENTATION)) return policy.allowDocumentationAddresses ? null : "documentation";
    const range = ipv6.range();
    return range === "unicast" ? null : (REFUSAL_BY_RANGE[range] ?? "reserved");
  }
  if (isPublicUnicastIPv4(address, { allowDocumentation: policy.allowDocumentationAddresses }).ok) return null;
  const ipv4 = parsed as ipaddr.IPv4;
  if (IPV4_DOCUMENTATION.some((range) => ipv4.match(range))) return "documentation";
  return REFUSAL_BY_RANGE[ipv4.range()] ?? "reserved";
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

/** The words a page shows for a refusal (the IVR speaks the prompt instead). */
export const ADDRESS_REFUSAL_TEXT: Record<AddressRefusal, string> = {
  private: "a private network address, not reachable from the Internet",
  loopback: "a loopback address",
  "link-local": "a link-local address",
  multicast: "a multicast address",
  shared: "a carrier-grade NAT address shared by many subscribers",
  documentation: "an address reserved for documentation",
  reserved: "a reserved address",
};
