// Enforces with ipset + iptables (legacy or nf_tables: whichever `iptables-restore` is on PATH).
//
// Full apply, in this order, each step atomic on its own:
//   1. `ipset restore`: every set is loaded into a temporary copy, then swapped with the live one.
//      A failure before the swaps leaves every live set untouched.
//   2. `iptables-restore --noflush` per family: chain GATEHOUSE rewritten and the INPUT jump put
//      first, in one transaction. If it fails after step 1, the previous sets and rules are
//      re-applied, so what was enforced before stays enforced. Nothing is ever flushed on error.
//   3. Sets no longer referenced are destroyed (best effort).
// A delta (same rules, other members) is one `ipset restore` of add/del lines.
import {
  beforeCommit,
  compileIpsetDelta,
  compileIptables,
  deltaSize,
  diffSets,
  inputJumpRemoval,
  inputJumpRepair,
  IPTABLES_CHAIN,
  type IpFamily,
  type IptablesRuleset,
  type ResolvedState,
} from "@gatehouse/core";
import type { AppliedSummary, BackendOptions, DriftReport, FirewallBackend } from "./backend.ts";
import { CommandRunner } from "./command-runner.ts";
import { OneAtATime } from "./one-at-a-time.ts";
import { sha256Hex, silentLogger, type FirewallLogger } from "./logger.ts";
import { setDriftProblems, ruleDriftProblems } from "./set-drift.ts";
import { IPTABLES_RESTORE, XTABLES_WAIT, listIpsetNames, readFilterTable, readIpsets, type FilterTableState } from "./iptables-live.ts";

const FAMILIES: readonly IpFamily[] = [4, 6];

function rulesFor(ruleset: IptablesRuleset, family: IpFamily): string {
  return family === 4 ? ruleset.iptablesV4 : ruleset.iptablesV6;
}

function rulesetHash(ruleset: IptablesRuleset): string {
  return sha256Hex([ruleset.ipsetRestore, ruleset.iptablesV4, ruleset.iptablesV6].join("\n"));
}

/** What is wrong with our chain and jump in one family's filter table. */
function chainProblems(live: FilterTableState, expectedTags: string[], family: IpFamily): string[] {
  const label = `(IPv${family})`;
  if (!live.chainExists) return [`chain ${IPTABLES_CHAIN} is missing ${label}`];
  const problems = ruleDriftProblems(`${IPTABLES_CHAIN} ${label}`, expectedTags, live.ruleTags);
  const jump = live.inputJump;
  if (!jump.present) problems.push(`jump to ${IPTABLES_CHAIN} is missing from INPUT ${label}`);
  else if (!jump.first) problems.push(`jump to ${IPTABLES_CHAIN} is not first in INPUT ${label}`);
  else if (jump.copies > 1) problems.push(`INPUT has ${jump.copies} jumps to ${IPTABLES_CHAIN} ${label}`);
  return problems;
}

export class IptablesBackend implements FirewallBackend {
  readonly name = "iptables" as const;
  private readonly runner: CommandRunner;
  private readonly logger: FirewallLogger;
  private applied: IptablesRuleset | null = null;
  /** Set by verify() when the live firewall differs: the next apply is a full one. */
  private driftFound = false;
  private readonly serial = new OneAtATime();

  constructor(options: BackendOptions = {}) {
    this.runner = options.runner ?? new CommandRunner();
    this.logger = options.logger ?? silentLogger;
  }

  apply(state: ResolvedState): Promise<AppliedSummary> {
    return this.serial.run(() => this.applyNow(state));
  }

  verify(state: ResolvedState): Promise<DriftReport> {
    return this.serial.run(() => this.verifyNow(state));
  }

  uninstall(): Promise<void> {
    return this.serial.run(() => this.uninstallNow());
  }

  private async applyNow(state: ResolvedState): Promise<AppliedSummary> {
    const next = compileIptables(state);
    const previous = this.applied;
    if (previous !== null && !this.driftFound && previous.rulesKey === next.rulesKey && (await this.applyDelta(previous, next))) {
      this.applied = next;
      return this.summary(next, "delta");
    }
    try {
      await this.applyFull(next, previous);
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
      problems.push(...chainProblems(await readFilterTable(this.runner, family), expected.ruleTags[family], family));
    }
    problems.push(...setDriftProblems(expected.sets, await readIpsets(this.runner)));
    if (problems.length > 0) this.driftFound = true;
    return { intact: problems.length === 0, problems };
  }

  private async uninstallNow(): Promise<void> {
    for (const family of FAMILIES) {
      const live = await readFilterTable(this.runner, family);
      const lines = inputJumpRemoval(live.inputListing);
      if (live.chainExists) lines.push(`-F ${IPTABLES_CHAIN}`, `-X ${IPTABLES_CHAIN}`);
      if (lines.length > 0) await this.restoreRules(family, ["*filter", ...lines, "COMMIT", ""].join("\n"));
    }
    for (const name of await listIpsetNames(this.runner)) await this.runner.run("ipset", ["destroy", name]);
    this.applied = null;
    this.logger.info({ backend: this.name, where: this.runner.where }, "removed Gatehouse chains and sets");
  }

  /** Returns false when a full apply is needed instead (drifted rules, or the batch failed). */
  private async applyDelta(previous: IptablesRuleset, next: IptablesRuleset): Promise<boolean> {
    for (const family of FAMILIES) {
      const problems = chainProblems(await readFilterTable(this.runner, family), next.ruleTags[family], family);
      if (problems.length > 0) {
        this.logger.warn({ backend: this.name, problems }, "live rules drifted; replacing everything");
        return false;
      }
    }
    const delta = diffSets(previous.sets, next.sets);
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

  private async applyFull(next: IptablesRuleset, previous: IptablesRuleset | null): Promise<void> {
    await this.destroyTemporarySets();
    await this.runner.run("ipset", ["restore"], { input: next.ipsetRestore });
    try {
      for (const family of FAMILIES) await this.applyChain(next, family);
    } catch (error) {
      if (previous !== null) await this.rollBack(previous, error);
      throw error;
    }
    await this.destroyStaleSets(next);
    this.logger.info({ backend: this.name, where: this.runner.where, hash: rulesetHash(next) }, "applied full ruleset");
  }

  /** Our chain plus the INPUT jump repair, one transaction per family. */
  private async applyChain(ruleset: IptablesRuleset, family: IpFamily): Promise<void> {
    const live = await readFilterTable(this.runner, family);
    await this.restoreRules(family, beforeCommit(rulesFor(ruleset, family), inputJumpRepair(live.inputListing)));
  }

  private async restoreRules(family: IpFamily, input: string): Promise<void> {
    await this.runner.run(IPTABLES_RESTORE[family], [...XTABLES_WAIT, "--noflush"], { input });
  }

  private async rollBack(previous: IptablesRuleset, cause: unknown): Promise<void> {
    this.logger.warn({ backend: this.name, error: String(cause) }, "apply failed after the sets were swapped; restoring the previous ruleset");
    try {
      await this.runner.run("ipset", ["restore"], { input: previous.ipsetRestore });
      for (const family of FAMILIES) await this.applyChain(previous, family);
    } catch (error) {
      this.logger.warn({ backend: this.name, error: String(error) }, "restoring the previous ruleset failed too");
    }
  }

  /**
   * Temporaries left by an interrupted apply (or made by hand) are never referenced by a rule.
   * One created with other parameters would make `create -exist` fail on every apply after.
   */
  private async destroyTemporarySets(): Promise<void> {
    for (const name of await listIpsetNames(this.runner)) {
      if (name.endsWith(".new")) await this.runner.succeeds("ipset", ["destroy", name]);
    }
  }

  /** Sets of services no longer served, and temporaries left by an interrupted apply. */
  private async destroyStaleSets(next: IptablesRuleset): Promise<void> {
    const stale = (await listIpsetNames(this.runner)).filter((name) => !(name in next.sets));
    for (const name of stale) {
      if (!(await this.runner.succeeds("ipset", ["destroy", name]))) {
        this.logger.warn({ backend: this.name, set: name }, "could not destroy an unused set (still referenced?)");
      }
    }
  }

  private summary(ruleset: IptablesRuleset, mode: AppliedSummary["mode"]): AppliedSummary {
    const setSizes = Object.fromEntries(Object.entries(ruleset.sets).map(([name, members]) => [name, members.length]));
    const ruleCount = ruleset.ruleTags[4].length + ruleset.ruleTags[6].length;
    return { backend: this.name, mode, setSizes, ruleCount, rulesetHash: rulesetHash(ruleset) };
  }
}
