// A firewall backend for unit tests: keeps the "live" ruleset in memory, can be told to
// fail or to drift (someone ran `iptables -F`), and counts every call that removes rules.
import { createHash } from "node:crypto";
import type { ResolvedState } from "@gatehouse/core";
import type { AppliedSummary, DriftReport, FirewallBackend } from "../src/firewall/backend.ts";

export class FakeBackend implements FirewallBackend {
  readonly name = "dry-run" as const;
  /** What the kernel would enforce now; null = nothing of ours loaded. */
  live: ResolvedState | null = null;
  applied: ResolvedState[] = [];
  failNextApply: string | null = null;
  uninstallCalls = 0;

  async apply(state: ResolvedState): Promise<AppliedSummary> {
    if (this.failNextApply) {
      const message = this.failNextApply;
      this.failNextApply = null;
      throw new Error(message);
    }
    this.live = structuredClone(state);
    this.applied.push(this.live);
    return summarize(state);
  }

  async verify(state: ResolvedState): Promise<DriftReport> {
    if (this.live !== null && rulesetHash(this.live) === rulesetHash(state)) return { intact: true, problems: [] };
    return { intact: false, problems: [this.live === null ? "chain GATEHOUSE is missing" : "set members differ"] };
  }

  async uninstall(): Promise<void> {
    this.uninstallCalls += 1;
    this.live = null;
  }

  /** Someone flushed the firewall by hand. */
  flushByHand(): void {
    this.live = null;
  }

  /** Allowed addresses now live (sorted). */
  liveAddresses(): string[] {
    return (this.live?.allow.map((a) => a.address) ?? []).sort();
  }
}

function rulesetHash(state: ResolvedState): string {
  return createHash("sha256").update(JSON.stringify(state)).digest("hex");
}

function summarize(state: ResolvedState): AppliedSummary {
  return { backend: "dry-run", mode: "full", setSizes: { "gh4-all": state.allow.length }, ruleCount: state.services.length + 4, rulesetHash: rulesetHash(state) };
}
