// Which machines may speak AGI to us: AGI has no authentication, and whoever speaks it can
// create grants, so connections are accepted only from the configured Asterisk addresses.
import ipaddr from "ipaddr.js";
import { parseConfiguredRange } from "@gatehouse/core";

export type PeerAllowlist = (remoteAddress: string | undefined) => boolean;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * `cidrs` like ["192.0.2.10/32", "2001:db8::/64", "127.0.0.1"], read by the strict parser
 * (`010.0.0.1` is refused, not read as 8.0.0.1); throws BAD_INPUT naming a malformed one.
 */
export function peerAllowlist(cidrs: readonly string[]): PeerAllowlist {
  const ranges = cidrs.map((text) => {
    const parsed = parseConfiguredRange(text);
    return [ipaddr.parse(parsed.network), parsed.prefix] as [Address, number];
  });
  return (remoteAddress) => {
    const address = socketAddress(remoteAddress);
    return address !== null && ranges.some(([network, bits]) => address.kind() === network.kind() && address.match(network, bits));
  };
}

/**
 * The socket's peer as Node reports it: canonical text no caller writes, so ipaddr.js reads it;
 * "::ffff:192.0.2.1" (a dual-stack socket's view of an IPv4 peer) counts as 192.0.2.1.
 */
function socketAddress(text: string | undefined): Address | null {
  if (!text || !ipaddr.isValid(text)) return null;
  const parsed = ipaddr.parse(text);
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}
