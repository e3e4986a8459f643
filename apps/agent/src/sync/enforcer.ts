// Keeps one ruleset enforced through the backend and repairs drift: the one place that knows
// what is enforced (the desired state, its resolved ruleset and the backend's summary). It never
// removes rules: a failed apply leaves what was enforced before in place (the backend's promise),
// and there is no code path from here to backend.uninstall(). An apply that takes access away cuts
// the open flows of the sources that lost it (the rulesets re-check a peer's every packet);
// afterwards it counts them (see firewall/cut-flow-counter.ts).
import { planRules, resolveDesiredState, revokedFlows, type ResolvedState, type RevokedFlow } from "@gatehouse/core";
import type { AppliedSummary, FirewallBackend } from "../firewall/backend.ts";
import type { CutFlowCounter, FlowCutResult } from "../firewall/cut-flow-counter.ts";
import type { Desired } from "./desired.ts";

/** What the firewall enforces now. */
export interface Enforced {
  desired: Desired;
  resolved: ResolvedState;
  summary: AppliedSummary;
}

/** What one apply revoked and how many of the open flows it cut. */
export interface FlowCutOutcome extends FlowCutResult {
  revoked: number;
}

export interface EnforceOutcome {
  enforced: Enforced;
  /** FQDNs left out of the ruleset: no usable address yet. */
  unresolved: string[];
  /** Null when nothing was revoked (or nothing enforced before, or flows are not counted). */
  flowCut: FlowCutOutcome | null;
}

export class Enforcer {
  private current: Enforced | null = null;

  constructor(
    private readonly backend: FirewallBackend,
    private readonly cutFlowCounter: CutFlowCounter | null = null,
  ) {}

  get backendName(): FirewallBackend["name"] {
    return this.backend.name;
  }

  get enforced(): Enforced | null {
    return this.current;
  }

  /**
   * Resolves `desired` with the DNS `answers` and the `countries`' networks and applies it
   * atomically; throws (leaving the previous ruleset) when the backend fails. Then counts the
   * open flows it cut.
   */
  async enforce(desired: Desired, answers: ReadonlyMap<string, readonly string[]>, countries: ReadonlyMap<string, readonly string[]> = new Map()): Promise<EnforceOutcome> {
    const { resolved, unresolved } = resolveDesiredState(desired.state, answers, countries);
    const previous = this.current?.resolved ?? null;
    const summary = await this.backend.apply(resolved);
    const enforced = { desired, resolved, summary };
    this.current = enforced;
    const flowCut = previous === null || this.cutFlowCounter === null ? null : await this.countCut(previous, resolved, this.cutFlowCounter);
    return { enforced, unresolved, flowCut };
  }

  /** The enforced firewall's source groups ("lan", "admin", "all", services with ports). */
  get groups(): string[] {
    return this.current === null ? [] : planRules(this.current.resolved).groupNames;
  }

  /** The backend's kernel lookup (see FirewallBackend.lookup); null when it has none. */
  get lookup(): NonNullable<FirewallBackend["lookup"]> | null {
    return this.backend.lookup?.bind(this.backend) ?? null;
  }

  /** Re-applies the enforced ruleset when the live firewall differs; returns what was wrong. */
  async repairDrift(): Promise<string[] | null> {
    const current = this.current;
    if (current === null) return null;
    const report = await this.backend.verify(current.resolved);
    if (report.intact) return null;
    this.current = { ...current, summary: await this.backend.apply(current.resolved) };
    return report.problems.length > 0 ? report.problems : ["the live firewall differed from the enforced ruleset"];
  }

  private async countCut(previous: ResolvedState, next: ResolvedState, counter: CutFlowCounter): Promise<FlowCutOutcome | null> {
    let revoked: RevokedFlow[];
    try {
      revoked = revokedFlows(previous, next);
    } catch (error) {
      return { revoked: 0, cut: 0, warning: `cannot tell which open connections lost access: ${(error as Error).message}` };
    }
    if (revoked.length === 0) return null;
    const result = await counter.count(revoked).catch((error: unknown) => ({ cut: 0, warning: `counting the cut connections failed: ${(error as Error).message}` }));
    return { revoked: revoked.length, ...result };
  }
}
