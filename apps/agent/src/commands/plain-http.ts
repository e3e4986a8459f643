// Enrolling (and then syncing) over plain http:// sends the one-time token, the credential and
// every desired state in the clear: anyone on the path could take the credential or rewrite
// this server's firewall. Only a control plane on this very host is exempt from --insecure-http.
import { isIP } from "node:net";
import { ConfigError } from "../state/state-dir.ts";

export type PlainHttp = "no" | "loopback" | "remote";

export function plainHttp(url: string): PlainHttp {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:") return "no";
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
  return loopback ? "loopback" : "remote";
}

/** Throws unless `url` is https, loopback, or the operator accepted plain http; returns a warning to show, if any. */
export function plainHttpWarning(url: string, insecureHttpAccepted: boolean): string | null {
  const risk = plainHttp(url);
  const origin = new URL(url).origin;
  if (risk === "no") return null;
  if (risk === "loopback") return `warning: ${origin} is plain http; acceptable only because it is this host's loopback`;
  const exposure = `the one-time token, this server's credential and every desired state would cross the network unencrypted, and anyone on the path could take the credential or rewrite this server's firewall`;
  if (!insecureHttpAccepted) {
    throw new ConfigError(`refusing plain http:// to ${origin}: ${exposure}. Use https:// (docs/agent.md), or pass --insecure-http to accept that risk (a lab, or a link you encrypt yourself)`);
  }
  return `WARNING: plain http:// to ${origin} (--insecure-http): ${exposure}`;
}
