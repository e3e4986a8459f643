// The address a request comes from. X-Forwarded-For is believed only when the direct peer is a
// configured reverse proxy, and then only its right-most hop that is not itself a proxy: anyone
// can write the header, so the left-most value is whatever the client chose.
import ipaddr from "ipaddr.js";
import type { IncomingMessage } from "node:http";
import { parseConfiguredRange, parseObservedAddress } from "@gatehouse/core";

export type TrustedProxies = (address: string) => boolean;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * The socket's peer as Node reports it. ipaddr.js reads it because Node's text is already
 * canonical, no client writes it, and it may carry what the strict parser refuses in typed
 * input: a zone id (fe80::1%eth0) or a dual-stack socket's ::ffff:a.b.c.d (read as a.b.c.d).
 */
function socketAddress(text: string): Address | null {
  try {
    const parsed = ipaddr.parse(text.trim());
    return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  } catch {
    return null;
  }
}

/** A forwarded hop is header text, so it goes through the strict parser: `010.0.0.1` is not 8.0.0.1. */
function forwardedAddress(text: string): string | null {
  try {
    return parseObservedAddress(text).canonical;
  } catch {
    return null;
  }
}

/** `cidrs` from TRUSTED_PROXIES; throws BAD_INPUT naming a malformed one. */
export function trustedProxies(cidrs: readonly string[]): TrustedProxies {
  const ranges = cidrs.map((text) => {
    const parsed = parseConfiguredRange(text);
    return [ipaddr.parse(parsed.network), parsed.prefix] as [Address, number];
  });
  return (address) => {
    const parsed = socketAddress(address);
    return parsed !== null && ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
  };
}

/**
 * Canonical text of the client's address; "unknown" if the socket has none, or if a trusted
 * proxy forwarded something that is not one address (the proxy itself is not the client).
 */
export function clientAddress(req: IncomingMessage, isTrustedProxy: TrustedProxies): string {
  const peer = socketAddress(req.socket.remoteAddress ?? "");
  if (peer === null) return "unknown";
  let address = peer.toString();
  if (!isTrustedProxy(address)) return address;
  const forwarded = String(req.headers["x-forwarded-for"] ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
  for (let index = forwarded.length - 1; index >= 0; index -= 1) {
    const hop = forwardedAddress(forwarded[index] ?? "");
    if (hop === null) return "unknown";
    address = hop;
    if (!isTrustedProxy(address)) break;
  }
  return address;
}
