// Who may read /metrics. Metrics show how the control plane is used (calls, refusals, agents),
// so they need METRICS_TOKEN, except when nobody but this host can reach the port: HOST is a
// loopback address and no reverse proxy is configured (a proxy on the same host would make
// loopback reachable from anywhere). Otherwise, without a token, /metrics is off.
import type { IncomingMessage } from "node:http";
import { classifyRange, parseObservedAddress } from "@gatehouse/core";
import { sameSecret } from "../auth/secrets.ts";
import type { Env } from "../env.ts";

export type MetricsAccess =
  | { kind: "token"; token: string }
  | { kind: "loopback" }
  | { kind: "off"; why: string };

export function metricsAccess(env: Pick<Env, "HOST" | "METRICS_TOKEN" | "TRUSTED_PROXIES">): MetricsAccess {
  if (env.METRICS_TOKEN !== undefined) return { kind: "token", token: env.METRICS_TOKEN };
  if (!isLoopback(env.HOST)) return { kind: "off", why: `HOST ${env.HOST} is not a loopback address and METRICS_TOKEN is unset` };
  if (env.TRUSTED_PROXIES.length > 0) return { kind: "off", why: "TRUSTED_PROXIES says a reverse proxy forwards to this port, and METRICS_TOKEN is unset" };
  return { kind: "loopback" };
}

export type MetricsDecision = "allow" | "unauthorized" | "not-found";

export function decideMetricsRequest(access: MetricsAccess, req: IncomingMessage): MetricsDecision {
  if (access.kind === "off") return "not-found";
  if (access.kind === "loopback") return isLoopback(req.socket.remoteAddress ?? "") ? "allow" : "not-found";
  return sameSecret(req.headers.authorization ?? "", `Bearer ${access.token}`) ? "allow" : "unauthorized";
}

/**
 * 127.0.0.0/8, ::1, 127.x as a dual-stack socket reports it (::ffff:127.0.0.1), and the name
 * localhost. Read by the project's one parser, so `127.1` or `0177.0.0.1` is no loopback here
 * either: a HOST the parser refuses leaves /metrics off.
 */
export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  try {
    return classifyRange(parseObservedAddress(host)) === "loopback";
  } catch {
    return false;
  }
}
