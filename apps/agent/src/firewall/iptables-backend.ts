// Enforces with ipset + iptables (legacy or nf_tables: whichever `iptables-restore` is on PATH).
//
// Full apply, in this order, each step atomic on its own:
//   1. `ipset restore`: every set is loaded into a temporary copy, then swapped with the live one.
//      A failure before the swaps leaves every live set untouched.
//   2. `iptables-restore --noflush` per family: chain GATEHOUSE rewritten and the INPUT jump put
//      first, in one transaction. If it fails after step 1, the previous sets and rules are
//      re-applied, so what was enforced before stays enforced. Nothing is ever flushed on error.
//   3. Sets no longer referenced are destroyed (best effort).
// A delta (same rules, other members) is one `ipset restore` of add/del lines, computed from the
// members kept since the last apply (AppliedMembers): its cost follows the size of the change,
// not of the list.
import {
  AppliedMembers,
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
  planFirewall,
  planRules,
  renderIpsetRestore,
  sha256Hex,
  temporaryIpsetName,
  type HookJump,
  type IpFamily,
  type IptablesRules,
  type MembersStep,
  type ResolvedState,
} from "@gatehouse/core";
import type { AppliedSummary, BackendOptions, DriftReport, FirewallBackend } from "./backend.ts";
import { CommandRunner } from "./command-runner.ts";
import { SerialQueue } from "../serial-queue.ts";
import { silentLogger, type FirewallLogger } from "./logger.ts";
import { setDriftProblems, ruleDriftProblems } from "./set-drift.ts";
import { IPTABLES_RESTORE, XTABLES_WAIT, listIpsetNames, readFilterTable, readIpsets, type FilterTableState, type OwnChainState } from "./iptables-live.ts";

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

/** What this backend last applied: the rules, and the members kept up to date by each delta. */
interface Applied {
  rules: IptablesRules;
  members: AppliedMembers;
}

function rulesFor(rules: IptablesRules, family: IpFamily): string {
  return family === 4 ? rules.iptablesV4 : rules.iptablesV6;
}

/** Equal for equal rules and members, however they were applied (full or a chain of deltas). */
function rulesetHash(applied: Applied): string {
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

export class IptablesBackend implements FirewallBackend {
  readonly name = "iptables" as const;
  private readonly runner: CommandRunner;
  private readonly logger: FirewallLogger;
  private readonly chainsTrustedForMs: number;
  private applied: Applied | null = null;
  /** Set by verify() when the live firewall differs: the next apply is a full one. */
  private driftFound = false;
  /** When an apply or a listing last saw our chains and jumps as applied (performance.now()). */
  private chainsSeenIntactAt = Number.NEGATIVE_INFINITY;
  private readonly serial = new SerialQueue();

  constructor(options: IptablesBackendOptions = {}) {
    this.runner = options.runner ?? new CommandRunner();
    this.logger = options.logger ?? silentLogger;
    this.chainsTrustedForMs = options.chainsTrustedForMs ?? CHAINS_TRUSTED_FOR_MS;
  }

  apply(state: ResolvedState): Promise<AppliedSummary> {
    return this.serial.run(() => this.applyNow(state));
  }

  verify(state: ResolvedState): Promise<DriftReport> {
    return this.serial.run(() => this.verifyNow(state));
  }

  uninstall(recorded: ResolvedState | null = null): Promise<void> {
    return this.serial.run(() => this.uninstallNow(recorded));
  }

  private async applyNow(state: ResolvedState): Promise<AppliedSummary> {
    const plan = planRules(state);
    const rules = compileIptablesRules(plan);
    const previous = this.applied;
    if (previous !== null && !this.driftFound && previous.rules.rulesKey === rules.rulesKey) {
      const step = previous.members.advance(state);
      if (await this.applyDelta(previous, step)) return this.summary(previous, "delta");
      previous.members.undo(step);
    }
    // Refuses what cannot be loaded (an address that is not one, a set over its limit) before any change.
    const planned = planFirewall(state);
    const script = renderIpsetRestore(planned.groups);
    const next: Applied = { rules, members: AppliedMembers.deferred(planned) };
    try {
      await this.applyFull(next, script, previous);
    } catch (error) {
      // A partial delta or a failed roll-back may have left sets other than `previous`.
      this.driftFound = true;
      throw error;
    }
    this.applied = next;
    this.driftFound = false;
    return this.summary(next, "full");
  }

  private async verifyNow(state: ResolvedState): Promise<DriftReport> {
    const expected = compileIptables(state);
    const problems: string[] = [];
    for (const family of FAMILIES) {
      problems.push(...chainProblems(await readFilterTable(this.runner, family), expected, family));
    }
    if (problems.length === 0 && this.applied?.rules.rulesKey === expected.rulesKey) this.chainsSeenIntactAt = performance.now();
    problems.push(...setDriftProblems(expected.sets, await readIpsets(this.runner)));
    if (problems.length > 0) this.driftFound = true;
    return { intact: problems.length === 0, problems };
  }

  /** Our chain and jumps, then only the sets the agent made: matched by our chain, last applied, or `recorded`'s. */
  private async uninstallNow(recorded: ResolvedState | null): Promise<void> {
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
    this.applied = null;
    this.logger.info({ backend: this.name, where: this.runner.where }, "removed Gatehouse chains and sets");
  }

  /**
   * The step's member changes as one `ipset restore`, while (unless trusted, see
   * CHAINS_TRUSTED_FOR_MS) both filter tables are listed. Returns false when a full apply is
   * needed instead: drifted rules, a set over its size limit, or a failed batch. The batch only
   * adds and removes members, so running it before the listing's verdict is in is harmless:
   * after drift the full apply replaces everything anyway.
   */
  private async applyDelta(previous: Applied, step: MembersStep): Promise<boolean> {
    if (previous.members.summaries().some((set) => set.members > IPSET_MAXELEM)) return false;
    const [chainsIntact, batchApplied] = await Promise.all([this.chainsIntact(previous.rules), this.applyBatch(step)]);
    return chainsIntact && batchApplied;
  }

  private async applyBatch(step: MembersStep): Promise<boolean> {
    const delta = ipsetDeltaOf(step.changes);
    const script = compileIpsetDelta(delta);
    if (script === "") return true;
    try {
      await this.runner.run("ipset", ["restore"], { input: script });
      this.logger.info({ backend: this.name, changes: deltaSize(delta) }, "applied set changes");
      return true;
    } catch (error) {
      this.logger.warn({ backend: this.name, error: String(error) }, "set delta failed; replacing everything");
      return false;
    }
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

  /** `script` replaces every set with the members of `next`. */
  private async applyFull(next: Applied, script: string, previous: Applied | null): Promise<void> {
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
    this.logger.info({ backend: this.name, where: this.runner.where, hash: rulesetHash(next) }, "applied full ruleset");
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

  private async rollBack(previous: Applied, cause: unknown): Promise<void> {
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

  private summary(applied: Applied, mode: AppliedSummary["mode"]): AppliedSummary {
    const setSizes = Object.fromEntries(applied.members.summaries().map((set) => [ipsetName(set.group, set.family), set.members]));
    const ruleCount = FAMILIES.reduce((count, family) => count + applied.rules.ruleTags[family].length + applied.rules.forwardRuleTags[family].length, 0);
    return { backend: this.name, mode, setSizes, ruleCount, rulesetHash: rulesetHash(applied) };
  }
}
