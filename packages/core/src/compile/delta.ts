// Small changes (a traveler's grant, an expiry) only change set members. They are applied as one
// batch of element additions and removals instead of a full replace: milliseconds for 1,000
// changes on a 100k set.
import type { GroupChange, GroupSummary } from "./applied-members.ts";
import { ipsetName } from "./iptables.ts";
import { isHostMember } from "./members.ts";
import { NFT_FAMILY, NFT_TABLE, nftHostSetName, nftNetworkSetName } from "./nft.ts";

interface SetChange {
  add: string[];
  remove: string[];
}

/** Changed sets only, keyed by set name; members keep the order of `after` / `before`. */
export type SetDelta = Record<string, SetChange>;

export function diffSets(before: Record<string, string[]>, after: Record<string, string[]>): SetDelta {
  const delta: SetDelta = {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const name of names) {
    const change = diffMembers(before[name] ?? [], after[name] ?? []);
    if (change.add.length > 0 || change.remove.length > 0) delta[name] = change;
  }
  return delta;
}

function sameMembers(before: string[], after: string[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) return false;
  return true;
}

function diffMembers(before: string[], after: string[]): SetChange {
  if (sameMembers(before, after)) return { add: [], remove: [] };
  const old = new Set(before);
  const next = new Set(after);
  const add: string[] = [];
  const remove: string[] = [];
  for (const member of after) if (!old.has(member)) add.push(member);
  for (const member of before) if (!next.has(member)) remove.push(member);
  return { add, remove };
}

/** The ipsets to change for member changes (one ipset per group and family). */
export function ipsetDeltaOf(changes: GroupChange[]): SetDelta {
  const delta: SetDelta = {};
  for (const { group, family, add, remove } of changes) delta[ipsetName(group, family)] = { add, remove };
  return delta;
}

/** The nft sets to change for member changes: addresses go to the hash set, networks to the interval set. */
export function nftDeltaOf(changes: GroupChange[]): SetDelta {
  const delta: SetDelta = {};
  const put = (name: string, key: keyof SetChange, member: string) => {
    const change = (delta[name] ??= { add: [], remove: [] });
    change[key].push(member);
  };
  for (const { group, family, add, remove } of changes) {
    const setOf = (member: string) => (isHostMember(member) ? nftHostSetName(group, family) : nftNetworkSetName(group, family));
    for (const member of add) put(setOf(member), "add", member);
    for (const member of remove) put(setOf(member), "remove", member);
  }
  return delta;
}

/**
 * nft 1.0.x checks each changed element of an interval set against the whole set it reads back
 * first (bench/country-sets.bench.ts on 1.0.6: 10 changes to the US's 215k networks 9.4 s, 1% of
 * them over 2 minutes; a full load 12.9 s). Past this many changes times networks in one set, a
 * full replace is the quicker way.
 */
const NFT_INTERVAL_DELTA_BUDGET = 3_000_000;

/** Whether `changes` would cost nft more as a delta than as a full replace (see the budget). */
export function nftIntervalDeltaTooCostly(changes: readonly GroupChange[], sets: readonly GroupSummary[]): boolean {
  const networks = new Map(sets.map((set) => [`${set.group}/${set.family}`, set.members - set.hosts]));
  return changes.some(({ group, family, add, remove }) => {
    const changed = add.filter((m) => !isHostMember(m)).length + remove.filter((m) => !isHostMember(m)).length;
    return changed * (networks.get(`${group}/${family}`) ?? 0) > NFT_INTERVAL_DELTA_BUDGET;
  });
}

export function deltaSize(delta: SetDelta): number {
  return Object.values(delta).reduce((sum, change) => sum + change.add.length + change.remove.length, 0);
}

/**
 * `ipset restore` input. ipset restore is not a transaction, so additions come first: a source
 * moving from a /32 to its /24 is never briefly missing. -exist makes a repeated line harmless.
 */
export function compileIpsetDelta(delta: SetDelta): string {
  const names = Object.keys(delta).sort();
  const lines: string[] = [];
  for (const name of names) for (const member of delta[name]?.add ?? []) lines.push(`add ${name} ${member} -exist`);
  for (const name of names) for (const member of delta[name]?.remove ?? []) lines.push(`del ${name} ${member} -exist`);
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/**
 * One `nft -f` transaction. Removals come first so that replacing a network with an overlapping
 * one never trips the interval-overlap check; the kernel commits all of it or nothing. Removing
 * an element that is not there fails the transaction (the backend then does a full replace).
 */
export function compileNftDelta(delta: SetDelta): string {
  const names = Object.keys(delta).sort();
  const lines: string[] = [];
  const element = (verb: string, name: string, members: string[]) =>
    `${verb} element ${NFT_FAMILY} ${NFT_TABLE} ${name} { ${members.join(", ")} }`;
  for (const name of names) {
    const remove = delta[name]?.remove ?? [];
    if (remove.length > 0) lines.push(element("delete", name, remove));
  }
  for (const name of names) {
    const add = delta[name]?.add ?? [];
    if (add.length > 0) lines.push(element("add", name, add));
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
