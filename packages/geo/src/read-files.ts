// The four *-num.csv files into disjoint ranges: countries as indexes into their codes, ASN rows
// as indexes into de-duplicated (AS number, organisation) pairs, organisations de-duplicated too
// (~1.1 million rows share ~80,000 names).
import { CsvLine } from "./csv.ts";
import { IPV4_MATH, IPV6_MATH, type AddressMath } from "./address-math.ts";
import { disjointRanges, emptyRanges, type RangeList } from "./ranges.ts";

const MAX_ASN = 2 ** 32 - 1;
/** Organisation indexes fit below this, so (AS number, organisation) is one exact number key. */
const ORG_KEY_SPAN = 2 ** 21;

/** Gives each distinct key the next index, in first-seen order. */
export class Interned<K, T> {
  private readonly indexes = new Map<K, number>();
  readonly items: T[] = [];

  indexOf(key: K, item: (key: K) => T): number {
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = this.items.length;
      this.indexes.set(key, index);
      this.items.push(item(key));
    }
    return index;
  }
}

export interface AutonomousSystem {
  asn: number;
  org: number;
}

/** How one family's rows read: their bounds' numbers, and the address space's end. */
interface FamilyReader<T extends number | bigint> {
  math: AddressMath<T>;
  bound(line: CsvLine, what: string): T;
  limit: T;
}

export const IPV4_ROWS: FamilyReader<number> = { math: IPV4_MATH, bound: (line, what) => line.smallDecimal(what), limit: 2 ** 32 };
export const IPV6_ROWS: FamilyReader<bigint> = { math: IPV6_MATH, bound: (line, what) => line.decimal(what), limit: 1n << 128n };

function readRows<T extends number | bigint>(bytes: Buffer, file: string, family: FamilyReader<T>, readValue: (line: CsvLine) => number): RangeList<T> {
  const rows = emptyRanges<T>();
  const line = new CsvLine(bytes, file);
  while (line.advance()) {
    const start = family.bound(line, "the range's start");
    const end = family.bound(line, "the range's end");
    if (end >= family.limit) line.fail(`the range ends past the family's last address`);
    if (start > end) line.fail("the range ends before it starts");
    rows.starts.push(start);
    rows.ends.push(end);
    rows.values.push(readValue(line));
  }
  return disjointRanges(rows, family.math);
}

/** A country code's letters from its number 0..675 (csv.ts's countryCode). */
const lettersOf = (code: number) => String.fromCharCode(65 + Math.floor(code / 26), 65 + (code % 26));

export function readCountryFile<T extends number | bigint>(bytes: Buffer, file: string, family: FamilyReader<T>, codes: Interned<number, string>): RangeList<T> {
  return readRows(bytes, file, family, (line) => codes.indexOf(line.countryCode("the country code", true), lettersOf));
}

export function readAsnFile<T extends number | bigint>(
  bytes: Buffer,
  file: string,
  family: FamilyReader<T>,
  systems: Interned<number, AutonomousSystem>,
  orgs: Interned<string, string>,
): RangeList<T> {
  // Neighbouring rows mostly name the same organisation: its bytes are compared, not decoded again.
  let previous: { bytes: Buffer; org: number } | null = null;
  return readRows(bytes, file, family, (line) => {
    const asn = line.smallDecimal("the AS number");
    if (asn > MAX_ASN) line.fail(`AS number ${asn} is past ${MAX_ASN}`);
    if (previous === null || !line.restIs(previous.bytes)) previous = { bytes: line.rest(), org: orgs.indexOf(line.lastText("the organisation"), (name) => name) };
    const { org } = previous;
    if (org >= ORG_KEY_SPAN) line.fail(`more than ${ORG_KEY_SPAN} distinct organisations`);
    return systems.indexOf(asn * ORG_KEY_SPAN + org, () => ({ asn, org }));
  });
}
