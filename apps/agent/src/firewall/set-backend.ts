// What the iptables and nftables backends share: both enforce rules that change rarely and sets
// whose members change often. One operation at a time (two applies interleaving would share the
// temporary sets, a verify during an apply would read a half-finished change as drift). An apply
// with the rules last applied is a delta of members, computed from the members kept since the
// last apply (AppliedMembers): its cost follows the size of the change, not of the list. Anything
// else, a failed delta, or drift found since, is a full apply.
import { AppliedMembers, planFirewall, planRules, type FirewallPlan, type MembersStep, type ResolvedState, type RulesPlan } from "@gatehouse/core";
import { SerialQueue } from "../serial-queue.ts";
import type { AppliedSummary, BackendOptions, DriftReport, FirewallBackend } from "./backend.ts";
import { CommandRunner } from "./command-runner.ts";
import { silentLogger, type FirewallLogger } from "./logger.ts";
import { kernelSetPresence, type GroupPresence } from "./set-lookup.ts";

/** What a backend last applied: the rules, and the members kept up to date by each delta. */
export interface Applied<Rules> {
  rules: Rules;
  members: AppliedMembers;
}

export abstract class SetBackend<Rules extends { rulesKey: string }> implements FirewallBackend {
  abstract readonly name: "iptables" | "nftables";
  protected readonly runner: CommandRunner;
  protected readonly logger: FirewallLogger;
  /** What this backend last applied; null before the first apply and after uninstall. */
  protected applied: Applied<Rules> | null = null;
  /** Set when the live firewall may differ from `applied`: the next apply is a full one. */
  private driftFound = false;
  private readonly serial = new SerialQueue();

  constructor(options: BackendOptions = {}) {
    this.runner = options.runner ?? new CommandRunner();
    this.logger = options.logger ?? silentLogger;
  }

  apply(state: ResolvedState): Promise<AppliedSummary> {
    return this.serial.run(() => this.applyNow(state));
  }

  verify(state: ResolvedState): Promise<DriftReport> {
    return this.serial.run(async () => {
      const problems = await this.liveProblems(state);
      if (problems.length > 0) this.driftFound = true;
      return { intact: problems.length === 0, problems };
    });
  }

  lookup(address: string, groups: readonly string[]): Promise<GroupPresence[]> {
    return this.serial.run(() => kernelSetPresence(this.runner, this.name, address, groups));
  }

  uninstall(recorded: ResolvedState | null = null): Promise<void> {
    return this.serial.run(async () => {
      await this.removeOwned(recorded);
      this.applied = null;
    });
  }

  protected abstract compileRules(plan: RulesPlan): Rules;
  /** The step's member changes as one batch; false when a full apply is needed instead. */
  protected abstract applyDelta(previous: Applied<Rules>, step: MembersStep): Promise<boolean>;
  /** Replaces everything with `next`; throws leaving what was enforced before in place. */
  protected abstract applyFull(next: Applied<Rules>, planned: FirewallPlan, previous: Applied<Rules> | null): Promise<void>;
  /** What differs between the live firewall and `state`; empty when they match. */
  protected abstract liveProblems(state: ResolvedState): Promise<string[]>;
  /** Removes the agent's objects, and nothing else (`recorded`: the state last applied, from disk). */
  protected abstract removeOwned(recorded: ResolvedState | null): Promise<void>;
  protected abstract summary(applied: Applied<Rules>, mode: AppliedSummary["mode"]): AppliedSummary;

  /** The live firewall may differ from what was applied (a full apply failed half-way). */
  protected driftSuspected(): void {
    this.driftFound = true;
  }

  /** Loads one batch of member changes; false (logged) when it failed and a full apply must follow. */
  protected async loadDelta(script: string, changes: number, load: (script: string) => Promise<unknown>): Promise<boolean> {
    if (script === "") return true;
    try {
      await load(script);
      this.logger.info({ backend: this.name, changes }, "applied set changes");
      return true;
    } catch (error) {
      this.logger.warn({ backend: this.name, error: String(error) }, "set delta failed; replacing everything");
      return false;
    }
  }

  private async applyNow(state: ResolvedState): Promise<AppliedSummary> {
    const rules = this.compileRules(planRules(state));
    const previous = this.applied;
    if (previous !== null && !this.driftFound && previous.rules.rulesKey === rules.rulesKey) {
      const step = previous.members.advance(state);
      if (await this.applyDelta(previous, step)) return this.summary(previous, "delta");
      previous.members.undo(step);
    }
    // Refuses what cannot be loaded (an address that is not one, a set over its limit) before any change.
    const planned = planFirewall(state);
    const next: Applied<Rules> = { rules, members: AppliedMembers.deferred(planned) };
    await this.applyFull(next, planned, previous);
    this.applied = next;
    this.driftFound = false;
    const summary = this.summary(next, "full");
    this.logger.info({ backend: this.name, where: this.runner.where, hash: summary.rulesetHash }, "applied full ruleset");
    return summary;
  }
}
