// The sources one group (LAN, admin, "all", a service) names, kept between applies, and the
// members they make. One Map holds, per source text, either the canonical network it names
// (an Entry: the usual case, the resolver emits canonical text) or, for another spelling such
// as "192.0.2.1/32", an Alias of that network's entry. An entry counts the sources naming it, so
// it stays while any of them does.
//
// A pass over a new state first compares each source with the one at the same place in the
// previous pass: states come in the same order (sorted by source), so nearly every source
// matches there, a string comparison on memory read in sequence. Only the others take a Map
// lookup, a hash and a few cache misses: 15 ms for 100k sources, where the comparisons take 1.5.
import { FamilyMembers, type MemberChange, type NetworkEntry } from "./family-members.ts";
import { parseNetwork, type Family, type Network } from "./members.ts";

/** A source as named: its text, and the canonical network it stands for. */
export interface Source {
  readonly key: string;
  readonly network: Network;
}

interface Named extends Source {
  /** The last pass that named `key`. */
  seenInPass: number;
  /** Where the last pass named it (-1: not since it was added). */
  place: number;
  /** No longer in the Map: an old place in the order must not match it. */
  gone: boolean;
}

interface Entry extends Named, NetworkEntry {
  readonly kind: "entry";
  /** Sources naming this network: its own canonical text when `direct`, plus its aliases. */
  count: number;
  direct: boolean;
}

interface Alias extends Named {
  readonly kind: "alias";
  /** The entry of `network`. */
  readonly entry: Entry;
}

export interface PassResult {
  added: Source[];
  removed: Source[];
  changes: Array<MemberChange & { family: Family }>;
}

export class GroupSources {
  private readonly families: Record<Family, FamilyMembers> = { 4: new FamilyMembers(4), 6: new FamilyMembers(6) };
  private readonly named = new Map<string, Entry | Alias>();
  /** Sources named: direct entries plus aliases. */
  private namings = 0;
  private order: Array<Entry | Alias> = [];
  /** The current pass: where it is in `order`, what it named, what it added, which entries appeared. */
  private cursor = 0;
  private nextOrder: Array<Entry | Alias> = [];
  private fresh: Array<Entry | Alias> = [];
  private appeared: Entry[] = [];

  family(family: Family): FamilyMembers {
    return this.families[family];
  }

  /** Canonical members of one family, in no particular order. */
  members(family: Family): string[] {
    const members: string[] = [];
    for (const named of this.named.values()) {
      if (named.kind === "entry" && named.member && named.network.family === family) members.push(named.key);
    }
    return members;
  }

  startPass(): void {
    this.cursor = 0;
    this.nextOrder = [];
    this.fresh = [];
    this.appeared = [];
  }

  /** Records that the pass named `text`; parses it when it is new (throws if it is no address). */
  see(text: string, pass: number): void {
    let found = this.order[this.cursor];
    if (found !== undefined && found.key === text && !found.gone) this.cursor++;
    else {
      found = this.named.get(text);
      if (found !== undefined && found.place >= 0) this.cursor = found.place + 1;
    }
    if (found === undefined) found = this.nameNew(text);
    else if (found.kind === "entry" && !found.direct) this.fresh.push(this.nameDirectly(found));
    else if (found.seenInPass === pass) return; // named twice
    found.seenInPass = pass;
    // Its place in this pass: a later lookup of a source not yet seen still finds its place in
    // `order`. A stale place only costs Map lookups: a match is always checked by text.
    found.place = this.nextOrder.length;
    this.nextOrder.push(found);
  }

  /** Forgets what the pass named so far (it failed): nothing changes. */
  abandonPass(): void {
    const vanished: Entry[] = [];
    for (let i = this.fresh.length - 1; i >= 0; i--) this.unname(this.fresh[i]!, vanished);
    this.startPass();
  }

  /** Ends the pass: forgets the sources it did not name, and updates the members. */
  endPass(pass: number): PassResult {
    const added: Source[] = this.fresh;
    const appeared = this.appeared;
    const removed: Source[] = [];
    if (this.nextOrder.length < this.namings) {
      for (const named of this.named.values()) {
        if (named.seenInPass !== pass && (named.kind === "alias" || named.direct)) removed.push(named);
      }
    }
    const vanished: Entry[] = [];
    for (const source of removed) this.unname(source, vanished);
    this.order = this.nextOrder;
    this.startPass();
    return { added, removed, changes: this.settle(appeared, vanished) };
  }

  /** Takes back a pass's additions and removals (a delta that could not be applied). */
  undo(added: Source[], removed: Source[]): void {
    const appeared: Entry[] = [];
    const vanished: Entry[] = [];
    for (const source of added) this.unname(source, vanished);
    for (const { key, network } of removed) this.name(key, network, appeared);
    this.settle(appeared, vanished);
  }

  /** A text this group does not know yet. */
  private nameNew(text: string): Entry | Alias {
    const network = parseNetwork(text);
    // Usual case first: the text is canonical and so cannot be in the Map (see() looked).
    const named = text === network.text ? this.nameDirectly(this.createEntry(network, this.appeared)) : this.name(text, network, this.appeared);
    this.fresh.push(named);
    return named;
  }

  private nameDirectly(entry: Entry): Entry {
    this.namings++;
    entry.direct = true;
    entry.count++;
    return entry;
  }

  private name(text: string, network: Network, appeared: Entry[]): Entry | Alias {
    // A canonical text only ever maps to an entry: parsing another spelling never yields it.
    const entry = (this.named.get(network.text) as Entry | undefined) ?? this.createEntry(network, appeared);
    if (text === network.text) {
      this.namings++;
      entry.direct = true;
      entry.count++;
      return entry;
    }
    this.namings++;
    entry.count++;
    const alias: Alias = { kind: "alias", key: text, network, entry, seenInPass: 0, place: -1, gone: false };
    this.named.set(text, alias);
    return alias;
  }

  private unname({ key, network }: Source, vanished: Entry[]): void {
    this.namings--;
    const named = this.named.get(key);
    if (named === undefined) throw new Error(`${key} was never named in this group`);
    let entry: Entry;
    if (named.kind === "entry") {
      entry = named;
      entry.direct = false;
    } else {
      this.named.delete(key);
      named.gone = true;
      entry = named.entry;
    }
    if (--entry.count > 0) return;
    this.named.delete(entry.key);
    entry.gone = true;
    this.families[network.family].track(network, -1);
    vanished.push(entry);
  }

  private createEntry(network: Network, appeared: Entry[]): Entry {
    const entry: Entry = { kind: "entry", key: network.text, network, count: 0, direct: false, member: false, seenInPass: 0, place: -1, gone: false };
    this.named.set(network.text, entry);
    this.families[network.family].track(network, 1);
    appeared.push(entry);
    return entry;
  }

  private *entriesOf(family: Family): Iterable<Entry> {
    for (const named of this.named.values()) if (named.kind === "entry" && named.network.family === family) yield named;
  }

  private settle(appeared: Entry[], vanished: Entry[]): PassResult["changes"] {
    const changes: PassResult["changes"] = [];
    const byFamily = { 4: { appeared: [] as Entry[], vanished: [] as Entry[] }, 6: { appeared: [] as Entry[], vanished: [] as Entry[] } };
    for (const entry of appeared) byFamily[entry.network.family].appeared.push(entry);
    for (const entry of vanished) byFamily[entry.network.family].vanished.push(entry);
    for (const family of [4, 6] as const) {
      const change = this.families[family].settle(byFamily[family].appeared, byFamily[family].vanished, () => this.entriesOf(family));
      if (change.add.length > 0 || change.remove.length > 0) changes.push({ family, ...change });
    }
    return changes;
  }
}
