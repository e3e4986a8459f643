// Prometheus metrics of the API, one set per registry (a process may run several control
// planes in tests, each with its own registry).
import { Counter, Histogram, type Registry } from "prom-client";

export interface ApiMetrics {
  calls: Counter<"path" | "type" | "code">;
  duration: Histogram<"path" | "type">;
}

const byRegistry = new WeakMap<Registry, ApiMetrics>();

export function apiMetrics(registry: Registry): ApiMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics === undefined) {
    metrics = {
      calls: new Counter({ name: "gatehouse_api_calls_total", help: "tRPC procedure calls by outcome", labelNames: ["path", "type", "code"], registers: [registry] }),
      duration: new Histogram({
        name: "gatehouse_api_call_seconds",
        help: "tRPC procedure duration",
        labelNames: ["path", "type"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
