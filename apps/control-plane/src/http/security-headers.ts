// Headers every answer of the control plane carries, whoever writes it (the API, /healthz,
// /metrics, the agent routes, the traveler pages, 404s and 500s): set on the response before
// routing, so a route can only override them on purpose. The web console's files override
// two: their own Content-Security-Policy (it runs scripts) and caching (its hashed assets are
// public and immutable); nosniff and the frame refusal stay on them too.
import type { ServerResponse } from "node:http";
import type { Env } from "../env.ts";

/** A year, subdomains included: the value the HSTS preload list asks for. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

export type HeaderSet = Readonly<Record<string, string>>;

export function baselineHeaders(env: Pick<Env, "PUBLIC_URL">): HeaderSet {
  return {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    // Browsers ignore HSTS over plain http; behind a TLS proxy PUBLIC_URL says https is what users see.
    ...(env.PUBLIC_URL?.startsWith("https:") ? { "strict-transport-security": STRICT_TRANSPORT_SECURITY } : {}),
  };
}

export function applyHeaders(res: ServerResponse, headers: HeaderSet): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
