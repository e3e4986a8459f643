// The loaded database: where an address is and which AS announces it, and every network of a
// country. Both answers come from the same disjoint tables, so an address lookup() places in a
// country is always inside that country's countryNetworks(), and no other's.
import { IPV4_MATH, IPV6_MATH, type AddressMath } from "./address-math.ts";
import { formatIPv4, formatIPv6, parseAddress } from "./address.ts";
import { rangeToBlocks } from "./cidr.ts";
import type { AutonomousSystem } from "./read-files.ts";
import type { RangeTable } from "./tables.ts";

export interface GeoAnswer {
  country: string | null;
  asn: number | null;
  asOrg: string | null;
}

export interface GeoDatabase {
  /** e.g. "geo-whois-asn-country@2.3.2026061719+asn@2.3.2026061719" (the packages' versions). */
  readonly version: string;
  /** IPv4 or IPv6 text; bad text -> all null. */
  lookup(address: string): GeoAnswer;
  /** Every network of that country as canonical CIDRs (IPv4 first, then IPv6), adjacent ranges merged, sorted. */
  countryNetworks(code: string): readonly string[];
  /** ISO codes present in the data, sorted. */
  countryCodes(): readonly string[];
}

interface FamilyTables {
  4: RangeTable<number>;
  6: RangeTable<bigint>;
}

export interface GeoTables {
  version: string;
  countries: FamilyTables;
  systems: FamilyTables;
  codes: readonly string[];
  autonomousSystems: readonly AutonomousSystem[];
  orgs: readonly string[];
}

const UNKNOWN: GeoAnswer = Object.freeze({ country: null, asn: null, asOrg: null });

/** A country's ranges in one family as CIDRs, touching ranges joined first. */
function networksIn<T extends number | bigint>(table: RangeTable<T>, math: AddressMath<T>, format: (value: T) => string, code: number): string[] {
  const networks: string[] = [];
  const write = (first: T, last: T) => {
    for (const block of rangeToBlocks(first, last, math)) networks.push(`${format(block.base)}/${block.prefix}`);
  };
  let open: [T, T] | null = null;
  for (let i = 0; i < table.size; i++) {
    if (table.value(i) !== code) continue;
    const first = table.first(i);
    const last = table.last(i);
    if (open !== null && math.next(open[1]) === first) open[1] = last;
    else {
      if (open !== null) write(...open);
      open = [first, last];
    }
  }
  if (open !== null) write(...open);
  return networks;
}

export class LoadedGeoDatabase implements GeoDatabase {
  readonly version: string;
  private readonly codeIndexes: ReadonlyMap<string, number>;
  private readonly sortedCodes: readonly string[];
  /** A list is asked for again by every agent that enforces the country; the tables never change. */
  private readonly networkLists = new Map<string, readonly string[]>();

  constructor(private readonly tables: GeoTables) {
    this.version = tables.version;
    this.codeIndexes = new Map(tables.codes.map((code, index) => [code, index]));
    this.sortedCodes = Object.freeze([...tables.codes].sort());
  }

  lookup(address: string): GeoAnswer {
    const parsed = typeof address === "string" ? parseAddress(address) : null;
    if (parsed === null) return UNKNOWN;
    const [code, systemIndex] =
      parsed.family === 4
        ? [this.tables.countries[4].find(parsed.value), this.tables.systems[4].find(parsed.value)]
        : [this.tables.countries[6].find(parsed.value), this.tables.systems[6].find(parsed.value)];
    const system = this.tables.autonomousSystems[systemIndex];
    return {
      country: this.tables.codes[code] ?? null,
      asn: system?.asn ?? null,
      asOrg: system === undefined ? null : this.tables.orgs[system.org] || null,
    };
  }

  countryNetworks(code: string): readonly string[] {
    const key = typeof code === "string" ? code.toUpperCase() : "";
    const index = this.codeIndexes.get(key);
    if (index === undefined) return [];
    let networks = this.networkLists.get(key);
    if (networks === undefined) {
      const { countries } = this.tables;
      networks = Object.freeze([...networksIn(countries[4], IPV4_MATH, formatIPv4, index), ...networksIn(countries[6], IPV6_MATH, formatIPv6, index)]);
      this.networkLists.set(key, networks);
    }
    return networks;
  }

  countryCodes(): readonly string[] {
    return this.sortedCodes;
  }
}
