// Ranges as the files give them, made disjoint. The npm data overlaps in places (its README
// owns to bugs: ~570 IPv4 country rows lie inside or across another, like a GeoFeed /29 inside a
// WHOIS block), and a binary search over overlapping rows answers by accident. One rule decides
// every address, so lookup and a country's network list can never disagree: the covering row
// that starts last wins (the more specific one), on equal starts the narrower, then the later row.

import type { AddressMath } from "./address-math.ts";

export interface RangeList<T extends number | bigint> {
  starts: T[];
  ends: T[];
  /** A small integer per range (a country's or an AS's index). */
  values: number[];
}

export function emptyRanges<T extends number | bigint>(): RangeList<T> {
  return { starts: [], ends: [], values: [] };
}

function compare<T extends number | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function orderOf<T extends number | bigint>({ starts, ends }: RangeList<T>): number[] {
  const order = starts.map((_, i) => i);
  const before = (a: number, b: number) => compare(starts[a]!, starts[b]!) || compare(ends[b]!, ends[a]!) || a - b;
  const inOrder = order.every((i) => i === 0 || before(i - 1, i) < 0);
  return inOrder ? order : order.sort(before);
}

/** Appends first..last with value, joined to the previous range when they touch and agree. */
function append<T extends number | bigint>(out: RangeList<T>, math: AddressMath<T>, first: T, last: T, value: number): void {
  const previous = out.starts.length - 1;
  if (previous >= 0 && out.values[previous] === value && math.next(out.ends[previous]!) === first) {
    out.ends[previous] = last;
    return;
  }
  out.starts.push(first);
  out.ends.push(last);
  out.values.push(value);
}

/** Sorted, disjoint ranges with the winner's value at every address any row covers; touching equal values merged. */
export function disjointRanges<T extends number | bigint>(rows: RangeList<T>, math: AddressMath<T>): RangeList<T> {
  const out = emptyRanges<T>();
  if (rows.starts.length === 0) return out;
  const open: number[] = [];
  let cursor = rows.starts[0]!;
  // Writes what the open rows say from cursor up to before `limit` (null: to their ends).
  // The cursor is the first address not written yet; rows before it are done with.
  const writeUntil = (limit: T | null) => {
    while (open.length > 0) {
      const top = open[open.length - 1]!;
      const end = rows.ends[top]!;
      if (end < cursor) {
        open.pop();
        continue;
      }
      if (limit !== null && cursor >= limit) return;
      const last = limit !== null && math.previous(limit) < end ? math.previous(limit) : end;
      append(out, math, cursor, last, rows.values[top]!);
      cursor = math.next(last);
    }
  };
  for (const row of orderOf(rows)) {
    const start = rows.starts[row]!;
    writeUntil(start);
    cursor = start;
    open.push(row);
  }
  writeUntil(null);
  return out;
}
