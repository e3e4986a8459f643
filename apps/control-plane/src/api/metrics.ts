// Prometheus metrics of the API, registered once on the control plane's registry when it starts
// (a process may run several control planes in tests, each with its own registry).
//
// Labels come from closed sets only: `path` is a procedure of the router (tRPC runs the
// middleware for resolved procedures only), `type` is query/mutation, `code` a tRPC code.
// Nothing the caller sent (e-mail, address, ids) ever becomes a label. Refused credentials and
// lockouts (UNAUTHORIZED, TOO_MANY_REQUESTS) are counted by code alone, without the procedure:
// an operator still sees a guessing wave, a metrics reader cannot tell which sign-in (operator,
// password change) is being guessed at or has just locked.
import { Counter, Histogram, type Registry } from "prom-client";

type ApiCallLabels = { path: string; type: string; code: string };

export interface ApiMetrics {
  calls: { inc(labels: ApiCallLabels): void };
  duration: Histogram<"path" | "type">;
}

/** The codes a sign-in (or a call without a valid credential) is refused with. */
const CREDENTIAL_REFUSALS: ReadonlySet<string> = new Set(["UNAUTHORIZED", "TOO_MANY_REQUESTS"]);

export function registerApiMetrics(registry: Registry): ApiMetrics {
  const calls = new Counter({ name: "gatehouse_api_calls_total", help: "tRPC procedure calls by outcome (credential refusals excepted)", labelNames: ["path", "type", "code"], registers: [registry] });
  const refusals = new Counter({ name: "gatehouse_api_credential_refusals_total", help: "Calls refused for a missing or wrong credential, or a lockout, by code", labelNames: ["code"], registers: [registry] });
  return {
    calls: {
      inc: (labels) => (CREDENTIAL_REFUSALS.has(labels.code) ? refusals.inc({ code: labels.code }) : calls.inc(labels)),
    },
    duration: new Histogram({
      name: "gatehouse_api_call_seconds",
      help: "tRPC procedure duration",
      labelNames: ["path", "type"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
