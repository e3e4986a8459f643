// How a command gets its firewall backend: chosen by flag, or detected from what the host
// already uses ("auto"). The real factory lives in ../firewall-choice.ts; tests pass fakes.
import type { Logger } from "pino";
import type { BackendName, FirewallBackend } from "../firewall/backend.ts";
import type { CutFlowCounter } from "../firewall/cut-flow-counter.ts";

export const BACKEND_CHOICES = ["auto", "iptables", "nftables", "dry-run"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendRequest {
  choice: BackendChoice;
  /** Run every firewall command inside this network namespace (tests). */
  netns?: string;
  logger: Logger;
}

export type BackendFactory = (request: BackendRequest) => Promise<FirewallBackend>;

/** What counts the flows an apply cut, for a backend and namespace; null for a dry run. */
export type CutFlowCounterFactory = (request: { backend: BackendName; netns?: string }) => CutFlowCounter | null;

export function parseBackendChoice(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`unknown backend "${value}" (choose ${BACKEND_CHOICES.join(", ")})`);
}
