// The IPv6 control traffic a host must accept whatever its allowlist says (RFC 4890 section 4.4,
// "Recommendations for ICMPv6 Local Configuration Traffic"), and DHCPv6 replies. Both compilers
// render this list, ahead of `ct state invalid drop`: conntrack tracks none of these messages as
// a connection (ND and MLD are untracked; redirects, inverse ND and errors about no known flow are
// "invalid"), so the invalid drop would otherwise take them.
//
// Echo request/reply (128/129) are not here: the base policy answers pings only from LAN, admin
// and "all" sources, and a reply to our own ping is established traffic.

/** How a message proves it comes from the local link (a router never forwards either). */
type OnLinkProof = "hop-limit-255" | "link-local-source" | "none";

export interface Icmpv6Accept {
  types: readonly number[];
  onLink: OnLinkProof;
}

export const ICMPV6_ACCEPTED: readonly Icmpv6Accept[] = [
  // Errors (4.4.1): destination unreachable, packet too big (path MTU discovery), time exceeded,
  // parameter problem. About a flow conntrack knows they are "related"; about none, "invalid".
  { types: [1, 2, 3, 4], onLink: "none" },
  // Neighbour discovery (RFC 4861: RS, RA, NS, NA, redirect), inverse ND (141/142) and SEND's
  // certification path messages (148/149): all sent with hop limit 255.
  { types: [133, 134, 135, 136, 137, 141, 142, 148, 149], onLink: "hop-limit-255" },
  // Multicast listener discovery (MLDv1 query/report/done 130-132, MLDv2 report 143) and
  // multicast router discovery (151-153): from link-local sources. Without them a switch that
  // snoops MLD stops sending the PBX its solicited-node multicast, and neighbours lose it.
  { types: [130, 131, 132, 143, 151, 152, 153], onLink: "link-local-source" },
];

export const LINK_LOCAL_V6 = "fe80::/10";

/** DHCPv6 server/relay -> client: UDP 547 -> 546, always to the client's link-local address. */
export const DHCPV6_REPLY = { sourcePort: 547, destinationPort: 546, destination: LINK_LOCAL_V6 } as const;
