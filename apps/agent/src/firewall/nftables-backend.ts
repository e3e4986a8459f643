// Enforces with nftables: table inet gatehouse, replaced whole by one `nft -f -` transaction
// (all or nothing: a failed load leaves the previous table enforced). A delta (same rules, other
// members) is one transaction of element additions and removals; if it fails (an element
// vanished, the table was deleted) a full replace follows. Listing a chain makes nft read every
// set element (0.4 s at 100k), so a delta does not re-read the rules first: verify() is what
// notices drift, and it makes the next apply a full one. The delta is computed from the members
// kept since the last apply (AppliedMembers): its cost follows the size of the change, not of the list.
import {
  AppliedMembers,
  compileNftDelta,
  compileNftRules,
  compileNftRuleset,
  deltaSize,
  NFT_CHAIN,
  NFT_FAMILY,
  NFT_FORWARD_CHAIN,
  NFT_TABLE,
  nftDeltaOf,
  nftHostSetName,
  nftNetworkSetName,
  planFirewall,
  planRules,
  renderNftScript,
  sha256Hex,
  type GroupSummary,
  type MembersStep,
  type NftRules,
  type ResolvedState,
} from "@gatehouse/core";
import type { AppliedSummary, BackendOptions, DriftReport, FirewallBackend } from "./backend.ts";
import { CommandError, CommandRunner } from "./command-runner.ts";
import { SerialQueue } from "../serial-queue.ts";
import { silentLogger, type FirewallLogger } from "./logger.ts";
import { NO_SUCH_TABLE, readNftTable } from "./nft-live.ts";
import { ruleDriftProblems, setDriftProblems } from "./set-drift.ts";

/** What this backend last applied: the rules, and the members kept up to date by each delta. */
interface Applied {
  rules: NftRules;
  members: AppliedMembers;
}

/** Each source group and family is two nft sets: addresses, and networks. */
function nftSetSizes(set: GroupSummary): Array<[string, number]> {
  return [
    [nftHostSetName(set.group, set.family), set.hosts],
    [nftNetworkSetName(set.group, set.family), set.members - set.hosts],
  ];
}

/** Equal for equal rules and members, however they were applied (full or a chain of deltas). */
function rulesetHash(applied: Applied): string {
  const sets = applied.members.summaries().map((set) => [nftHostSetName(set.group, set.family), set.members, set.hosts, set.digest]);
  return sha256Hex(JSON.stringify(["nftables", applied.rules.rulesKey, sets]));
}

export class NftablesBackend implements FirewallBackend {
  readonly name = "nftables" as const;
  private readonly runner: CommandRunner;
  private readonly logger: FirewallLogger;
  private applied: Applied | null = null;
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
    return this.serial.run(() => this.verifyNow(state));
  }

  uninstall(): Promise<void> {
    return this.serial.run(() => this.uninstallNow());
  }

  private async applyNow(state: ResolvedState): Promise<AppliedSummary> {
    const plan = planRules(state);
    const rules = compileNftRules(plan);
    const previous = this.applied;
    if (previous !== null && !this.driftFound && previous.rules.rulesKey === rules.rulesKey) {
      const step = previous.members.advance(state);
      if (await this.applyDelta(step)) return this.summary(previous, "delta");
      previous.members.undo(step);
    }
    const planned = planFirewall(state);
    await this.runner.run("nft", ["-f", "-"], { input: renderNftScript(rules, planned.groups) });
    const next: Applied = { rules, members: AppliedMembers.deferred(planned) };
    this.applied = next;
    this.driftFound = false;
    this.logger.info({ backend: this.name, where: this.runner.where, hash: rulesetHash(next) }, "applied full ruleset");
    return this.summary(next, "full");
  }

  private async verifyNow(state: ResolvedState): Promise<DriftReport> {
    const expected = compileNftRuleset(state);
    const live = await readNftTable(this.runner);
    const problems = live.tableExists
      ? [
          ...live.chainProblems,
          ...ruleDriftProblems(`${NFT_CHAIN} of table ${NFT_FAMILY} ${NFT_TABLE}`, expected.ruleTags, live.ruleTags),
          ...ruleDriftProblems(`${NFT_FORWARD_CHAIN} of table ${NFT_FAMILY} ${NFT_TABLE}`, expected.forwardRuleTags, live.forwardRuleTags),
          ...setDriftProblems(expected.sets, live.sets),
        ]
      : [`table ${NFT_FAMILY} ${NFT_TABLE} is missing`];
    if (problems.length > 0) this.driftFound = true;
    return { intact: problems.length === 0, problems };
  }

  private async uninstallNow(): Promise<void> {
    try {
      await this.runner.run("nft", ["delete", "table", NFT_FAMILY, NFT_TABLE]);
    } catch (error) {
      if (!(error instanceof CommandError && NO_SUCH_TABLE.test(error.stderr))) throw error;
    }
    this.applied = null;
    this.logger.info({ backend: this.name, where: this.runner.where }, "removed table inet gatehouse");
  }

  /** Returns false when a full replace is needed instead (the transaction failed: nothing changed). */
  private async applyDelta(step: MembersStep): Promise<boolean> {
    const delta = nftDeltaOf(step.changes);
    const script = compileNftDelta(delta);
    if (script === "") return true;
    try {
      await this.runner.run("nft", ["-f", "-"], { input: script });
      this.logger.info({ backend: this.name, changes: deltaSize(delta) }, "applied set changes");
      return true;
    } catch (error) {
      this.logger.warn({ backend: this.name, error: String(error) }, "set delta failed; replacing the table");
      return false;
    }
  }

  private summary(applied: Applied, mode: AppliedSummary["mode"]): AppliedSummary {
    const setSizes = Object.fromEntries(applied.members.summaries().flatMap(nftSetSizes));
    return { backend: this.name, mode, setSizes, ruleCount: applied.rules.ruleTags.length + applied.rules.forwardRuleTags.length, rulesetHash: rulesetHash(applied) };
  }
}
