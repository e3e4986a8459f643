// Which of the canonical networks a source group names (in one family) are members: those not
// covered by a broader one, exactly what normaliseByFamily keeps. An address appearing or
// vanishing costs a few Set lookups (is it inside one of the group's networks?); a network
// appearing or vanishing can cover or uncover any number of members, so the members are then
// recomputed from scratch. Travelers, DNS answers and trunks are mostly single addresses;
// operators change networks rarely.
import { MemberDigest } from "./member-digest.ts";
import { normaliseByFamily, type Family, type Network } from "./members.ts";

/** A canonical network a group names, and whether it is a member. */
export interface NetworkEntry {
  readonly network: Network;
  member: boolean;
}

export interface MemberChange {
  add: string[];
  remove: string[];
}

function isHostNetwork(network: Network): boolean {
  return network.prefix === (network.family === 4 ? 32 : 128);
}

/** Identifies the network of `prefix` bits around `network`'s start (a Set key, not text for tools). */
function networkKey(network: Network, prefix: number): string {
  if (network.family === 4) {
    const size = 2 ** (32 - prefix);
    return `${network.start - (network.start % size)}/${prefix}`;
  }
  const hostBits = BigInt(128 - prefix);
  return `${(network.start >> hostBits) << hostBits}/${prefix}`;
}

export class FamilyMembers {
  /** networkKey of every named network that is not a single address. */
  private readonly networks = new Set<string>();
  /** How many such networks have each prefix length. */
  private readonly prefixes = new Map<number, number>();
  private readonly digest = new MemberDigest();
  private memberCount = 0;
  private hostCount = 0;

  constructor(readonly family: Family) {}

  get size(): number {
    return this.memberCount;
  }

  /** Members that are single addresses. */
  get hosts(): number {
    return this.hostCount;
  }

  /** Order-independent digest of the members (see member-digest.ts). */
  get membersDigest(): string {
    return this.digest.toString();
  }

  /** Call when the group starts (1) or stops (-1) naming `network`. */
  track(network: Network, step: 1 | -1): void {
    if (isHostNetwork(network)) return;
    const key = networkKey(network, network.prefix);
    const left = (this.prefixes.get(network.prefix) ?? 0) + step;
    if (step > 0) this.networks.add(key);
    else this.networks.delete(key);
    if (left > 0) this.prefixes.set(network.prefix, left);
    else this.prefixes.delete(network.prefix);
  }

  /**
   * Updates the members after entries of this family appeared and vanished (already tracked);
   * `named` lists every entry of this family the group still names.
   */
  settle(appeared: NetworkEntry[], vanished: NetworkEntry[], named: () => Iterable<NetworkEntry>): MemberChange {
    const change: MemberChange = { add: [], remove: [] };
    for (const entry of vanished) if (entry.member) this.setMember(entry, false, change);
    const networkChanged = appeared.some((entry) => !isHostNetwork(entry.network)) || vanished.some((entry) => !isHostNetwork(entry.network));
    if (networkChanged) this.recompute(named, change);
    else for (const entry of appeared) if (!this.covered(entry.network)) this.setMember(entry, true, change);
    return change;
  }

  /** Whether a named network covers the single address `host`. */
  private covered(host: Network): boolean {
    for (const prefix of this.prefixes.keys()) if (this.networks.has(networkKey(host, prefix))) return true;
    return false;
  }

  private recompute(named: () => Iterable<NetworkEntry>, change: MemberChange): void {
    const texts: string[] = [];
    for (const entry of named()) texts.push(entry.network.text);
    const members = new Set(normaliseByFamily(texts)[this.family]);
    for (const entry of named()) {
      const member = members.has(entry.network.text);
      if (member !== entry.member) this.setMember(entry, member, change);
    }
  }

  private setMember(entry: NetworkEntry, member: boolean, change: MemberChange): void {
    const { text } = entry.network;
    const step = member ? 1 : -1;
    entry.member = member;
    this.memberCount += step;
    if (isHostNetwork(entry.network)) this.hostCount += step;
    if (member) {
      this.digest.add(text);
      change.add.push(text);
    } else {
      this.digest.remove(text);
      change.remove.push(text);
    }
  }
}
