// Keeps one ruleset enforced through the backend and repairs drift. It never removes rules:
// a failed apply leaves what was enforced before in place (the backend's promise), and
// there is no code path from here to backend.uninstall().
import type { ResolvedState } from "@gatehouse/core";
import type { AppliedSummary, FirewallBackend } from "../firewall/backend.ts";

export interface Enforced {
  resolved: ResolvedState;
  summary: AppliedSummary;
}

export class Enforcer {
  private current: Enforced | null = null;

  constructor(private readonly backend: FirewallBackend) {}

  get backendName(): FirewallBackend["name"] {
    return this.backend.name;
  }

  get enforced(): Enforced | null {
    return this.current;
  }

  /** Applies `resolved` atomically; throws (leaving the previous ruleset) when the backend fails. */
  async enforce(resolved: ResolvedState): Promise<AppliedSummary> {
    const summary = await this.backend.apply(resolved);
    this.current = { resolved, summary };
    return summary;
  }

  /** Re-applies the enforced ruleset when the live firewall differs; returns what was wrong. */
  async repairDrift(): Promise<string[] | null> {
    if (this.current === null) return null;
    const report = await this.backend.verify(this.current.resolved);
    if (report.intact) return null;
    this.current = { resolved: this.current.resolved, summary: await this.backend.apply(this.current.resolved) };
    return report.problems.length > 0 ? report.problems : ["the live firewall differed from the enforced ruleset"];
  }
}
