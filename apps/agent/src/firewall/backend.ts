// One small interface for every firewall the agent can drive (after crowdsec's
// cs-firewall-bouncer): the agent's sync loop never knows which one it talks to.
import type { ResolvedState } from "@gatehouse/core";
import type { CommandRunner } from "./command-runner.ts";
import type { FirewallLogger } from "./logger.ts";
import type { GroupPresence } from "./set-lookup.ts";

export type BackendName = "iptables" | "nftables" | "dry-run";

export interface AppliedSummary {
  backend: BackendName;
  /** "full" = atomic replace of everything; "delta" = set elements added/removed in one batch. */
  mode: "full" | "delta";
  /** Number of set elements per set name, e.g. { "gh4-sip": 120 }. */
  setSizes: Record<string, number>;
  ruleCount: number;
  /**
   * sha256 over the enforced rules and a digest of every set's members: equal for equal
   * rulesets, whether they were loaded whole or reached by deltas.
   */
  rulesetHash: string;
}

export interface DriftReport {
  intact: boolean;
  /** Human-readable findings, e.g. "jump to GATEHOUSE is not first in INPUT". */
  problems: string[];
}

export interface FirewallBackend {
  readonly name: BackendName;
  /**
   * Enforce `state` atomically: there is never a moment with the allowlist half loaded, empty
   * or the policy open. May apply a delta against what this backend last applied.
   * Throws on failure, leaving what was enforced before in place.
   */
  apply(state: ResolvedState): Promise<AppliedSummary>;
  /** Compare the live firewall with `state` (drift: someone ran `iptables -F`). */
  verify(state: ResolvedState): Promise<DriftReport>;
  /**
   * Remove everything the agent owns, and nothing else. Only `uninstall` (and a switch to another
   * backend, once that one enforces) calls this. `recorded`: the state last applied (from disk),
   * whose objects are removed even if nothing live references them any more.
   */
  uninstall(recorded?: ResolvedState | null): Promise<void>;
  /**
   * Whether the kernel's live sets of `groups` hold `address` (a canonical IP), as the kernel
   * answers (`gatehouse explain`). Absent on a backend without kernel sets (dry run).
   */
  lookup?(address: string, groups: readonly string[]): Promise<GroupPresence[]>;
}

/** What every real backend is constructed with. */
export interface BackendOptions {
  /** Runs the firewall tools; construct it with `netns` to work inside a network namespace. */
  runner?: CommandRunner;
  logger?: FirewallLogger;
}
