// Where a webhook may post: checked when a rule is made (the URL as typed) and again at every
// delivery (each address the host name resolves to, in the lookup the connection itself uses,
// so a name that resolves to 127.0.0.1 later, DNS rebinding, is refused too). Only public
// unicast addresses over https, unless ALERT_WEBHOOK_ALLOW_PRIVATE allows private and loopback
// targets and plain http (tests, a webhook relay on the LAN). Link-local addresses, the cloud
// metadata service among them (169.254.169.254, fd00:ec2::254), are refused whatever the setting.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { GatehouseError } from "@gatehouse/core";

/** Ranges refused whatever the setting: link-local (metadata), unspecified, multicast, broadcast. */
const NEVER = new Set(["linkLocal", "unspecified", "multicast", "broadcast"]);
const METADATA = new Set(["169.254.169.254", "fd00:ec2::254"]);

/** Why a connection to `address` is refused, or null when it may go ahead. */
function refusedAddress(address: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const canonical = parsed.toString();
  const range = parsed.range();
  if (METADATA.has(canonical)) return `${canonical} is the cloud metadata service`;
  if (NEVER.has(range)) return `${canonical} is a ${range} address`;
  if (range === "unicast" || allowPrivate) return null;
  return `${canonical} is a ${range} address, not a public one (ALERT_WEBHOOK_ALLOW_PRIVATE allows private targets)`;
}

const refuse = (message: string) => new GatehouseError("BAD_INPUT", `webhook URL refused: ${message}`, { field: "webhookUrl" });

/** The URL as typed, checked; throws BAD_INPUT (field webhookUrl) with the reason. */
export function checkWebhookUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse(`${JSON.stringify(text.slice(0, 100))} is not a URL`);
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) throw refuse("it must be an https:// URL");
  if (url.username !== "" || url.password !== "") throw refuse("it must not carry a user name or password (the signature authenticates us)");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) {
    const why = refusedAddress(host, allowPrivate);
    if (why !== null) throw refuse(why);
  } else if (!allowPrivate && (host === "localhost" || host.endsWith(".localhost") || !host.includes("."))) {
    throw refuse(`${host} is not a public host name`);
  }
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup for http.request that refuses the connection when any resolved address is refused. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refusal = addresses.map((entry) => refusedAddress(entry.address, allowPrivate)).find((why) => why !== null);
      if (refusal) return callback(Object.assign(new Error(`webhook target refused: ${hostname} resolves to ${refusal}`), { code: "EREFUSEDTARGET" }), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}
