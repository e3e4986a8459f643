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

/** The backend recorded for this host, and where it was recorded. */
export interface RecordedBackend {
  name: BackendName;
  /** "applied.json" (what enforces the applied state) or "agent.json" (chosen at enrollment). */
  in: string;
}

export interface HostBackendDecision {
  /** What to build: an explicit choice, else the recorded backend, else "auto" (detection). */
  choice: BackendChoice;
  /** A recorded backend an explicit choice replaces: its Gatehouse objects go once the new one enforces. */
  replaces: BackendName | null;
  /** Why, for the log. */
  reason: string;
}

/**
 * One backend per host. The explicit --backend wins (the operator asked for it) and replaces a
 * different recorded one; without it the recorded backend is used, and only a host with nothing
 * recorded (never applied, or a record from an agent that did not keep it) is detected.
 */
export function decideHostBackend(explicit: BackendChoice, recorded: RecordedBackend | null): HostBackendDecision {
  if (explicit === "auto") {
    if (recorded === null) return { choice: "auto", replaces: null, reason: "no backend recorded for this host yet (nothing applied, or a record from an older agent): detecting" };
    return { choice: recorded.name, replaces: null, reason: `the backend recorded in ${recorded.in}` };
  }
  if (recorded === null || recorded.name === explicit) return { choice: explicit, replaces: null, reason: `chosen with --backend ${explicit}` };
  // A dry run touches no firewall, so it neither replaces a real backend nor has objects to remove.
  const replaces = explicit === "dry-run" || recorded.name === "dry-run" ? null : recorded.name;
  return { choice: explicit, replaces, reason: `chosen with --backend ${explicit}; ${recorded.in} recorded ${recorded.name}` };
}

/** The real backends whose tools this host (or namespace) has: the ones `uninstall` cleans. */
export type InstalledBackends = (request: { netns?: string }) => Promise<BackendName[]>;
