// Which machines may speak AGI to us: AGI has no authentication, and whoever speaks it can
// create grants, so connections are accepted only from the configured Asterisk addresses.
import ipaddr from "ipaddr.js";

export type PeerAllowlist = (remoteAddress: string | undefined) => boolean;

/** `cidrs` like ["192.0.2.10/32", "2001:db8::/64", "127.0.0.1"]; throws on a malformed one. */
export function peerAllowlist(cidrs: readonly string[]): PeerAllowlist {
  const ranges = cidrs.map((cidr) => (cidr.includes("/") ? ipaddr.parseCIDR(cidr) : hostRange(cidr)));
  return (remoteAddress) => {
    if (!remoteAddress || !ipaddr.isValid(remoteAddress)) return false;
    const address = unmapped(ipaddr.parse(remoteAddress));
    return ranges.some(([network, bits]) => address.kind() === network.kind() && address.match(network, bits));
  };
}

function hostRange(address: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const parsed = ipaddr.parse(address);
  return [parsed, parsed.kind() === "ipv4" ? 32 : 128];
}

/** "::ffff:192.0.2.1" (a dual-stack socket's view of an IPv4 peer) as 192.0.2.1. */
function unmapped(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}
