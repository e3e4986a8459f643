// The address a request comes from. X-Forwarded-For is believed only when the direct peer is a
// configured reverse proxy, and then only its right-most hop that is not itself a proxy: anyone
// can write the header, so the left-most value is whatever the client chose.
import ipaddr from "ipaddr.js";
import type { IncomingMessage } from "node:http";

export type TrustedProxies = (address: string) => boolean;

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const parsed = ipaddr.parse(text.trim());
    return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  } catch {
    return null;
  }
}

export function trustedProxies(cidrs: readonly string[]): TrustedProxies {
  const ranges = cidrs.map((text) => (text.includes("/") ? ipaddr.parseCIDR(text) : ([ipaddr.parse(text), ipaddr.parse(text).kind() === "ipv4" ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number])));
  return (address) => {
    const parsed = parseAddress(address);
    return parsed !== null && ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
  };
}

/** Canonical text of the client's address ("unknown" if the socket has none). */
export function clientAddress(req: IncomingMessage, isTrustedProxy: TrustedProxies): string {
  const peer = parseAddress(req.socket.remoteAddress ?? "");
  if (peer === null) return "unknown";
  let address = peer.toString();
  if (!isTrustedProxy(address)) return address;
  const forwarded = String(req.headers["x-forwarded-for"] ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
  for (let index = forwarded.length - 1; index >= 0; index -= 1) {
    const hop = parseAddress(forwarded[index] ?? "");
    if (hop === null) break;
    address = hop.toString();
    if (!isTrustedProxy(address)) break;
  }
  return address;
}
