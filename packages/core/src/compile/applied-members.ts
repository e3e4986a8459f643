// The members of every source group as a backend last applied them, kept so that the next state
// costs only what changed: one pass over the state, comparing each source with the one the last
// pass saw at its place (see group-sources.ts), then work in proportion to the sources that came
// or went (see family-members.ts). A traveler's grant on a 100k list is then a few milliseconds,
// not a fresh normalisation, sort and diff of 100k addresses.
// The members always equal what planFirewall would compute for the last state taken in (in
// another order); the backends render a delta from a step's changes, or undo the step when the
// delta could not be applied.
import type { ResolvedState } from "../model.ts";
import type { MemberChange } from "./family-members.ts";
import { MemberDigest } from "./member-digest.ts";
import { isHostMember, type Family } from "./members.ts";
import { FAMILIES, type FirewallPlan, type SourceGroup } from "./plan.ts";
import { GroupSources, type Source } from "./group-sources.ts";

/** How the members of one source group and family changed. */
export interface GroupChange extends MemberChange {
  group: string;
  family: Family;
}

interface SourceChange {
  group: string;
  added: Source[];
  removed: Source[];
}

/** What one state changed: the member changes to apply, and the source changes to undo them. */
export interface MembersStep {
  changes: GroupChange[];
  readonly sources: SourceChange[];
}

/** Members of one source group and family, without listing them. */
export interface GroupSummary {
  group: string;
  family: Family;
  members: number;
  /** Members that are single addresses (the rest are networks). */
  hosts: number;
  /** Equal for equal members, whatever their order (see member-digest.ts). */
  digest: string;
}

/** Sizes and digest of planned members: what GroupSources would report for them. */
function summaryOf({ group, family, members }: SourceGroup): GroupSummary {
  const digest = new MemberDigest();
  let hosts = 0;
  for (const member of members) {
    digest.add(member);
    if (isHostMember(member)) hosts++;
  }
  return { group, family, members: members.length, hosts, digest: digest.toString() };
}

export class AppliedMembers {
  private readonly groups = new Map<string, GroupSources>();
  private pass = 0;
  /** A plan loaded in full whose sources are not taken in yet (see deferred()). */
  private pending: { plan: FirewallPlan; summaries: GroupSummary[] | null } | null = null;

  /** Tracks `groupNames` (a RulesPlan's), empty until a state is taken in. */
  constructor(readonly groupNames: readonly string[]) {
    for (const name of groupNames) this.groups.set(name, new GroupSources());
  }

  /** The members of `state` from scratch (for a full apply). Throws on a source that is not an address. */
  static of(groupNames: readonly string[], state: ResolvedState): AppliedMembers {
    const members = new AppliedMembers(groupNames);
    members.advance(state);
    return members;
  }

  /**
   * The members of a plan just loaded in full, taken in only when a delta first needs them
   * (~60 ms for 100k sources). A full apply followed by another (a drift repair, a rules change)
   * never pays for it, and a full apply followed by deltas pays it once, at the first delta.
   */
  static deferred(plan: FirewallPlan): AppliedMembers {
    const members = new AppliedMembers(plan.groupNames);
    members.pending = { plan, summaries: null };
    return members;
  }

  /**
   * Brings the members up to `state` and returns what changed. On a source that is not an
   * address it throws and changes nothing.
   */
  advance(state: ResolvedState): MembersStep {
    this.takeInPending();
    const pass = ++this.pass;
    this.takeIn(state, pass);
    const changes: GroupChange[] = [];
    const sources: SourceChange[] = [];
    for (const [group, sourceGroup] of this.groups) {
      const result = sourceGroup.endPass(pass);
      if (result.added.length > 0 || result.removed.length > 0) sources.push({ group, added: result.added, removed: result.removed });
      for (const change of result.changes) changes.push({ group, ...change });
    }
    return { changes, sources };
  }

  /** Puts the members back to before `step` (the last step taken: a delta that failed). */
  undo(step: MembersStep): void {
    for (const change of step.sources) this.group(change.group).undo(change.added, change.removed);
  }

  /** Current members per group and family, in RulesPlan order (for a full apply). */
  sourceGroups(): SourceGroup[] {
    if (this.pending !== null) return this.pending.plan.groups;
    return this.groupNames.flatMap((group) => FAMILIES.map((family) => ({ group, family, members: this.group(group).members(family) })));
  }

  summaries(): GroupSummary[] {
    if (this.pending !== null) return (this.pending.summaries ??= this.pending.plan.groups.map(summaryOf));
    return this.groupNames.flatMap((group) =>
      FAMILIES.map((family) => {
        const set = this.group(group).family(family);
        return { group, family, members: set.size, hosts: set.hosts, digest: set.membersDigest };
      }),
    );
  }

  private group(name: string): GroupSources {
    const group = this.groups.get(name);
    if (group === undefined) throw new Error(`source group ${name} is not tracked`);
    return group;
  }

  /** The pending plan's sources, in their order (so the next pass finds them in place). */
  private takeInPending(): void {
    if (this.pending === null) return;
    const { sources } = this.pending.plan;
    this.pending = null;
    const pass = ++this.pass;
    for (const [name, group] of this.groups) {
      group.startPass();
      // planFirewall parsed every one of them already: none throws.
      for (const source of sources.get(name) ?? []) group.see(source, pass);
      group.endPass(pass);
    }
  }

  /** One pass over the state; on a source that is not an address, nothing changes. */
  private takeIn(state: ResolvedState, pass: number): void {
    const groups = this.groups;
    for (const group of groups.values()) group.startPass();
    try {
      // The same sources per group as planFirewall's (the property tests hold them equal).
      const lan = groups.get("lan");
      const admin = groups.get("admin");
      for (const source of state.policy.lanRanges) lan?.see(source, pass);
      for (const source of state.policy.primaryAdmin) admin?.see(source, pass);
      // Entries mostly name the same service as the one before: compare the id, skip the lookup.
      let service = "";
      let group: GroupSources | undefined;
      for (const allow of state.allow) {
        for (const id of allow.services) {
          if (id !== service) [service, group] = [id, groups.get(id)];
          group?.see(allow.address, pass);
        }
      }
    } catch (error) {
      for (const group of groups.values()) group.abandonPass();
      throw error;
    }
  }
}
