// Keeps one ruleset enforced through the backend and repairs drift. It never removes rules:
// a failed apply leaves what was enforced before in place (the backend's promise), and
// there is no code path from here to backend.uninstall(). After an apply commits, the open
// flows of sources that lost access are cut (see firewall/flow-cutter.ts).
import { revokedFlows, type ResolvedState, type RevokedFlow } from "@gatehouse/core";
import type { AppliedSummary, FirewallBackend } from "../firewall/backend.ts";
import type { FlowCutResult, FlowCutter } from "../firewall/flow-cutter.ts";

export interface Enforced {
  resolved: ResolvedState;
  summary: AppliedSummary;
}

/** What one apply revoked and how many of the open flows it cut. */
export interface FlowCutOutcome extends FlowCutResult {
  revoked: number;
}

export class Enforcer {
  private current: Enforced | null = null;

  constructor(
    private readonly backend: FirewallBackend,
    private readonly flowCutter: FlowCutter | null = null,
  ) {}

  get backendName(): FirewallBackend["name"] {
    return this.backend.name;
  }

  get enforced(): Enforced | null {
    return this.current;
  }

  /**
   * Applies `resolved` atomically; throws (leaving the previous ruleset) when the backend fails.
   * Then cuts the flows it revoked; null when nothing was revoked (or nothing enforced before).
   */
  async enforce(resolved: ResolvedState): Promise<FlowCutOutcome | null> {
    const previous = this.current?.resolved ?? null;
    const summary = await this.backend.apply(resolved);
    this.current = { resolved, summary };
    if (previous === null || this.flowCutter === null) return null;
    return this.cutRevoked(previous, resolved, this.flowCutter);
  }

  /** Re-applies the enforced ruleset when the live firewall differs; returns what was wrong. */
  async repairDrift(): Promise<string[] | null> {
    if (this.current === null) return null;
    const report = await this.backend.verify(this.current.resolved);
    if (report.intact) return null;
    this.current = { resolved: this.current.resolved, summary: await this.backend.apply(this.current.resolved) };
    return report.problems.length > 0 ? report.problems : ["the live firewall differed from the enforced ruleset"];
  }

  private async cutRevoked(previous: ResolvedState, next: ResolvedState, cutter: FlowCutter): Promise<FlowCutOutcome | null> {
    let revoked: RevokedFlow[];
    try {
      revoked = revokedFlows(previous, next);
    } catch (error) {
      return { revoked: 0, cut: 0, warning: `cannot tell which open connections lost access: ${(error as Error).message}` };
    }
    if (revoked.length === 0) return null;
    const result = await cutter.cut(revoked).catch((error: unknown) => ({ cut: 0, warning: `cutting open connections failed: ${(error as Error).message}` }));
    return { revoked: revoked.length, ...result };
  }
}
