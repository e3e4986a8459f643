// Enforces with nftables: table inet gatehouse, replaced whole by one `nft -f -` transaction
// (all or nothing: a failed load leaves the previous table enforced). A delta (same rules, other
// members; see set-backend.ts) is one transaction of element additions and removals; if it fails
// (an element vanished, the table was deleted) a full replace follows. Listing a chain makes nft
// read every set element (0.4 s at 100k), so a delta does not re-read the rules first: verify() is
// what notices drift, and it makes the next apply a full one.
import {
  compileNftDelta,
  compileNftRules,
  compileNftRuleset,
  deltaSize,
  knockSetName,
  NFT_CHAIN,
  NFT_FAMILY,
  NFT_FORWARD_CHAIN,
  NFT_TABLE,
  nftDeltaOf,
  nftIntervalDeltaTooCostly,
  nftHostSetName,
  nftNetworkSetName,
  renderNftScript,
  sha256Hex,
  type FirewallPlan,
  type GroupSummary,
  type KnockCounter,
  type MembersStep,
  type NftRules,
  type ResolvedState,
  type RulesPlan,
} from "@gatehouse/core";
import type { AppliedSummary } from "./backend.ts";
import { CommandError } from "./command-runner.ts";
import { readNftKnocks } from "./knock-reading.ts";
import { NO_SUCH_TABLE, readNftTable } from "./nft-live.ts";
import { SetBackend, type Applied } from "./set-backend.ts";
import { ruleDriftProblems, setDriftProblems } from "./set-drift.ts";

/** Each source group and family is two nft sets: addresses, and networks. */
function nftSetSizes(set: GroupSummary): Array<[string, number]> {
  return [
    [nftHostSetName(set.group, set.family), set.hosts],
    [nftNetworkSetName(set.group, set.family), set.members - set.hosts],
  ];
}

/** Equal for equal rules and members, however they were applied (full or a chain of deltas). */
function rulesetHash(applied: Applied<NftRules>): string {
  const sets = applied.members.summaries().map((set) => [nftHostSetName(set.group, set.family), set.members, set.hosts, set.digest]);
  return sha256Hex(JSON.stringify(["nftables", applied.rules.rulesKey, sets]));
}

export class NftablesBackend extends SetBackend<NftRules> {
  readonly name = "nftables" as const;

  protected compileRules(plan: RulesPlan): NftRules {
    return compileNftRules(plan);
  }

  /** One transaction: false when a full replace is needed instead (it failed, so nothing changed). */
  protected async applyDelta(previous: Applied<NftRules>, step: MembersStep): Promise<boolean> {
    if (nftIntervalDeltaTooCostly(step.changes, previous.members.summaries())) {
      this.logger.info({ backend: this.name }, "too many changes to large interval sets (country lists) for a delta; replacing everything");
      return false;
    }
    const delta = nftDeltaOf(step.changes);
    return this.loadDelta(compileNftDelta(delta), deltaSize(delta), (input) => this.runner.run("nft", ["-f", "-"], { input }));
  }

  protected async applyFull(next: Applied<NftRules>, planned: FirewallPlan): Promise<void> {
    await this.runner.run("nft", ["-f", "-"], { input: renderNftScript(next.rules, planned.groups) });
  }

  protected async liveProblems(state: ResolvedState): Promise<string[]> {
    const expected = compileNftRuleset(state);
    const live = await readNftTable(this.runner);
    if (!live.tableExists) return [`table ${NFT_FAMILY} ${NFT_TABLE} is missing`];
    return [
      ...live.chainProblems,
      ...ruleDriftProblems(`${NFT_CHAIN} of table ${NFT_FAMILY} ${NFT_TABLE}`, expected.ruleTags, live.ruleTags),
      ...ruleDriftProblems(`${NFT_FORWARD_CHAIN} of table ${NFT_FAMILY} ${NFT_TABLE}`, expected.forwardRuleTags, live.forwardRuleTags),
      ...setDriftProblems(expected.sets, live.sets),
      ...([4, 6] as const).map(knockSetName).filter((name) => !live.sets.has(name)).map((name) => `drop-telemetry set ${name} is missing`),
    ];
  }

  /** The drop-telemetry counters (compile/knock-sets.ts). */
  readKnocks(at: Date): Promise<KnockCounter[]> {
    return readNftKnocks(this.runner, at);
  }

  protected async removeOwned(): Promise<void> {
    try {
      await this.runner.run("nft", ["delete", "table", NFT_FAMILY, NFT_TABLE]);
    } catch (error) {
      if (!(error instanceof CommandError && NO_SUCH_TABLE.test(error.stderr))) throw error;
    }
    this.logger.info({ backend: this.name, where: this.runner.where }, "removed table inet gatehouse");
  }

  protected summary(applied: Applied<NftRules>, mode: AppliedSummary["mode"]): AppliedSummary {
    const setSizes = Object.fromEntries(applied.members.summaries().flatMap(nftSetSizes));
    return { backend: this.name, mode, setSizes, ruleCount: applied.rules.ruleTags.length + applied.rules.forwardRuleTags.length, rulesetHash: rulesetHash(applied) };
  }
}
