// Enforces with ipset + iptables (legacy or nf_tables: whichever `iptables-restore` is on PATH).
//
// Full apply, in this order, each step atomic on its own:
//   1. `ipset restore`: every set is loaded into a temporary copy, then swapped with the live one.
//      A failure before the swaps leaves every live set untouched.
//   2. `iptables-restore --noflush` per family: chain GATEHOUSE rewritten and the INPUT jump put
//      first, in one transaction. If it fails after step 1, the previous sets and rules are
//      re-applied, so what was enforced before stays enforced. Nothing is ever flushed on error.
//   3. Sets no longer referenced are destroyed (best effort).
// A delta (same rules, other members; see set-backend.ts) is one `ipset restore` of add/del lines.
import {
  beforeCommit,
  compileIpsetDelta,
  compileIptables,
  compileIptablesRules,
  deltaSize,
  FORWARD_JUMP,
  INPUT_JUMP,
  inputJumpRemoval,
  inputJumpRepair,
  jumpRemoval,
  jumpRepair,
  IPSET_MAXELEM,
  ipsetDeltaOf,
  ipsetName,
  IPTABLES_CHAIN,
  IPTABLES_FORWARD_CHAIN,
  knockSetName,
  planRules,
  renderIpsetRestore,
  sha256Hex,
  temporaryIpsetName,
  type FirewallPlan,
  type HookJump,
  type IpFamily,
  type IptablesRules,
  type KnockCounter,
  type MembersStep,
  type ResolvedState,
  type RulesPlan,
} from "@gatehouse/core";
import type { AppliedSummary, BackendOptions } from "./backend.ts";
import { readIpsetKnocks } from "./knock-reading.ts";
import { IPTABLES_RESTORE, XTABLES_WAIT, listIpsetNames, readFilterTable, readIpsets, type FilterTableState, type OwnChainState } from "./iptables-live.ts";
import { SetBackend, type Applied } from "./set-backend.ts";
import { setDriftProblems, ruleDriftProblems } from "./set-drift.ts";

const FAMILIES: readonly IpFamily[] = [4, 6];

/**
 * How long a delta trusts chain GATEHOUSE and the INPUT jump without listing both filter tables
 * again, after an apply or a check saw them intact. Skipping the listing weakens nothing: a
 * delta never touches rules, someone may flush them a moment after any listing anyway, and the
 * agent's drift check (verify(), every 30 s by default) finds and repairs that either way. The
 * listing on a delta only finds such drift sooner; within a burst of deltas (travelers, DNS
 * answers, expiries) once is enough.
 */
const CHAINS_TRUSTED_FOR_MS = 5_000;

export interface IptablesBackendOptions extends BackendOptions {
  /** Override CHAINS_TRUSTED_FOR_MS (0: every delta lists the filter tables). */
  chainsTrustedForMs?: number;
}

function rulesFor(rules: IptablesRules, family: IpFamily): string {
  return family === 4 ? rules.iptablesV4 : rules.iptablesV6;
}

/** Equal for equal rules and members, however they were applied (full or a chain of deltas). */
function rulesetHash(applied: Applied<IptablesRules>): string {
  const sets = applied.members.summaries().map((set) => [ipsetName(set.group, set.family), set.members, set.digest]);
  return sha256Hex(JSON.stringify(["iptables", applied.rules.rulesKey, sets]));
}

/** What is wrong with one of our chains and the jump to it from its built-in chain. */
function ownChainProblems(live: OwnChainState, expectedTags: string[], { hook, target }: HookJump, label: string): string[] {
  if (!live.chainExists) return [`chain ${target} is missing ${label}`];
  const problems = ruleDriftProblems(`${target} ${label}`, expectedTags, live.ruleTags);
  const jump = live.jump;
  if (!jump.present) problems.push(`jump to ${target} is missing from ${hook} ${label}`);
  else if (!jump.first) problems.push(`jump to ${target} is not first in ${hook} ${label}`);
  else if (jump.copies > 1) problems.push(`${hook} has ${jump.copies} jumps to ${target} ${label}`);
  return problems;
}

/** What is wrong with our chains and jumps (INPUT and FORWARD) in one family's filter table. */
function chainProblems(live: FilterTableState, rules: IptablesRules, family: IpFamily): string[] {
  const label = `(IPv${family})`;
  return [
    ...ownChainProblems(live, rules.ruleTags[family], INPUT_JUMP, label),
    ...ownChainProblems(live.forward, rules.forwardRuleTags[family], FORWARD_JUMP, label),
  ];
}

export class IptablesBackend extends SetBackend<IptablesRules> {
  readonly name = "iptables" as const;
  private readonly chainsTrustedForMs: number;
  /** When an apply or a listing last saw our chains and jumps as applied (performance.now()). */
  private chainsSeenIntactAt = Number.NEGATIVE_INFINITY;

  constructor(options: IptablesBackendOptions = {}) {
    super(options);
    this.chainsTrustedForMs = options.chainsTrustedForMs ?? CHAINS_TRUSTED_FOR_MS;
  }

  protected compileRules(plan: RulesPlan): IptablesRules {
    return compileIptablesRules(plan);
  }

  protected async liveProblems(state: ResolvedState): Promise<string[]> {
    const expected = compileIptables(state);
    const problems: string[] = [];
    for (const family of FAMILIES) {
      problems.push(...chainProblems(await readFilterTable(this.runner, family), expected, family));
    }
    if (problems.length === 0 && this.applied?.rules.rulesKey === expected.rulesKey) this.chainsSeenIntactAt = performance.now();
    const liveSets = await readIpsets(this.runner);
    problems.push(...setDriftProblems(expected.sets, liveSets));
    problems.push(...FAMILIES.map(knockSetName).filter((name) => !liveSets.has(name)).map((name) => `drop-telemetry set ${name} is missing`));
    return problems;
  }

  /** The drop-telemetry counters (compile/knock-sets.ts). */
  readKnocks(at: Date): Promise<KnockCounter[]> {
    return readIpsetKnocks(this.runner, at);
  }

  /** Our chain and jumps, then only the sets the agent made: matched by our chain, last applied, or `recorded`'s. */
  protected async removeOwned(recorded: ResolvedState | null): Promise<void> {
    const owned = new Set([...(recorded ? compileIptablesRules(planRules(recorded)).setNames : []), ...(this.applied?.rules.setNames ?? [])]);
    for (const family of FAMILIES) {
      const live = await readFilterTable(this.runner, family);
      for (const name of live.matchedSets) owned.add(name);
      const lines = [...inputJumpRemoval(live.inputListing), ...jumpRemoval(live.forward.hookListing, FORWARD_JUMP)];
      if (live.chainExists) lines.push(`-F ${IPTABLES_CHAIN}`, `-X ${IPTABLES_CHAIN}`);
      if (live.forward.chainExists) lines.push(`-F ${IPTABLES_FORWARD_CHAIN}`, `-X ${IPTABLES_FORWARD_CHAIN}`);
      if (lines.length > 0) await this.restoreRules(family, ["*filter", ...lines, "COMMIT", ""].join("\n"));
    }
    const present = new Set(await listIpsetNames(this.runner));
    for (const name of [...owned].flatMap((set) => [set, temporaryIpsetName(set)])) {
      if (present.has(name)) await this.runner.run("ipset", ["destroy", name]);
    }
    this.logger.info({ backend: this.name, where: this.runner.where }, "removed Gatehouse chains and sets");
  }

  /**
   * The step's member changes as one `ipset restore`, while (unless trusted, see
   * CHAINS_TRUSTED_FOR_MS) both filter tables are listed. Returns false when a full apply is
   * needed instead: drifted rules, a set over its size limit, or a failed batch. The batch only
   * adds and removes members, so running it before the listing's verdict is in is harmless:
   * after drift the full apply replaces everything anyway.
   */
  protected async applyDelta(previous: Applied<IptablesRules>, step: MembersStep): Promise<boolean> {
    if (previous.members.summaries().some((set) => set.members > IPSET_MAXELEM)) return false;
    const [chainsIntact, batchApplied] = await Promise.all([this.chainsIntact(previous.rules), this.applyBatch(step)]);
    return chainsIntact && batchApplied;
  }

  private applyBatch(step: MembersStep): Promise<boolean> {
    const delta = ipsetDeltaOf(step.changes);
    return this.loadDelta(compileIpsetDelta(delta), deltaSize(delta), (input) => this.runner.run("ipset", ["restore"], { input }));
  }

  /** Whether chain GATEHOUSE and the INPUT jump are as applied, in both families. */
  private async chainsIntact(rules: IptablesRules): Promise<boolean> {
    if (performance.now() - this.chainsSeenIntactAt < this.chainsTrustedForMs) return true;
    try {
      const tables = await Promise.all(FAMILIES.map((family) => readFilterTable(this.runner, family)));
      const problems = FAMILIES.flatMap((family, index) => chainProblems(tables[index]!, rules, family));
      if (problems.length === 0) {
        this.chainsSeenIntactAt = performance.now();
        return true;
      }
      this.logger.warn({ backend: this.name, problems }, "live rules drifted; replacing everything");
    } catch (error) {
      this.logger.warn({ backend: this.name, error: String(error) }, "could not list the live rules; replacing everything");
    }
    return false;
  }

  /** Every set loaded with the members of `next` and swapped in, then our chains (see the top of this file). */
  protected async applyFull(next: Applied<IptablesRules>, planned: FirewallPlan, previous: Applied<IptablesRules> | null): Promise<void> {
    const script = renderIpsetRestore(planned.groups);
    try {
      await this.loadFull(next, script, previous);
    } catch (error) {
      // A partial delta or a failed roll-back may have left sets other than `previous`.
      this.driftSuspected();
      throw error;
    }
  }

  private async loadFull(next: Applied<IptablesRules>, script: string, previous: Applied<IptablesRules> | null): Promise<void> {
    const owned = await this.ownedSets();
    await this.destroyTemporarySets(next.rules);
    await this.runner.run("ipset", ["restore"], { input: script });
    try {
      for (const family of FAMILIES) await this.applyChain(next.rules, family);
    } catch (error) {
      if (previous !== null) await this.rollBack(previous, error);
      throw error;
    }
    this.chainsSeenIntactAt = performance.now();
    await this.destroyStaleSets(owned, next.rules);
  }

  /** Our chains plus the INPUT and FORWARD jump repairs, one transaction per family. */
  private async applyChain(rules: IptablesRules, family: IpFamily): Promise<void> {
    const live = await readFilterTable(this.runner, family);
    const jumps = [...inputJumpRepair(live.inputListing), ...jumpRepair(live.forward.hookListing, FORWARD_JUMP)];
    await this.restoreRules(family, beforeCommit(rulesFor(rules, family), jumps));
  }

  private async restoreRules(family: IpFamily, input: string): Promise<void> {
    await this.runner.run(IPTABLES_RESTORE[family], [...XTABLES_WAIT, "--noflush"], { input });
  }

  private async rollBack(previous: Applied<IptablesRules>, cause: unknown): Promise<void> {
    this.logger.warn({ backend: this.name, error: String(cause) }, "apply failed after the sets were swapped; restoring the previous ruleset");
    try {
      await this.runner.run("ipset", ["restore"], { input: renderIpsetRestore(previous.members.sourceGroups()) });
      for (const family of FAMILIES) await this.applyChain(previous.rules, family);
    } catch (error) {
      this.logger.warn({ backend: this.name, error: String(error) }, "restoring the previous ruleset failed too");
    }
  }

  /**
   * The sets this agent made, before an apply: the ones our chain matches and the ones it last
   * applied. Never picked by name pattern alone: an operator's own gh4-x is not ours.
   */
  private async ownedSets(): Promise<string[]> {
    const tables = await Promise.all(FAMILIES.map((family) => readFilterTable(this.runner, family)));
    return [...new Set([...tables.flatMap((table) => table.matchedSets), ...(this.applied?.rules.setNames ?? [])])];
  }

  /**
   * Temporaries of the sets about to be loaded, left by an interrupted apply: one created with
   * other parameters would make `create -exist` fail on every apply after.
   */
  private async destroyTemporarySets(rules: IptablesRules): Promise<void> {
    const present = new Set(await listIpsetNames(this.runner));
    for (const name of rules.setNames.map(temporaryIpsetName)) {
      if (present.has(name)) await this.runner.succeeds("ipset", ["destroy", name]);
    }
  }

  /** Sets of services no longer served, among the ones this agent made (see ownedSets). */
  private async destroyStaleSets(owned: string[], rules: IptablesRules): Promise<void> {
    const inUse = new Set(rules.setNames);
    for (const name of owned.filter((name) => !inUse.has(name))) {
      if (!(await this.runner.succeeds("ipset", ["destroy", name]))) {
        this.logger.warn({ backend: this.name, set: name }, "could not destroy an unused set (still referenced?)");
      }
    }
  }

  protected summary(applied: Applied<IptablesRules>, mode: AppliedSummary["mode"]): AppliedSummary {
    const setSizes = Object.fromEntries(applied.members.summaries().map((set) => [ipsetName(set.group, set.family), set.members]));
    const ruleCount = FAMILIES.reduce((count, family) => count + applied.rules.ruleTags[family].length + applied.rules.forwardRuleTags[family].length, 0);
    return { backend: this.name, mode, setSizes, ruleCount, rulesetHash: rulesetHash(applied) };
  }
}
