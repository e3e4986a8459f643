// Overlapping rows (the npm data has some) become disjoint ranges under one rule: at every
// address the covering row that starts last wins, on equal starts the narrower, then the later row.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IPV4_MATH } from "./address-math.ts";
import { disjointRanges, type RangeList } from "./ranges.ts";

const SEED = 20_261_201;
const SPACE = 64;

/** The rule, address by address: the winner among the rows that cover it, or undefined. */
function winnerAt(rows: RangeList<number>, address: number): number | undefined {
  let best = -1;
  for (let i = 0; i < rows.starts.length; i++) {
    if (rows.starts[i]! > address || rows.ends[i]! < address) continue;
    const better =
      best < 0 || rows.starts[i]! > rows.starts[best]! || (rows.starts[i] === rows.starts[best] && rows.ends[i]! <= rows.ends[best]!);
    if (better) best = i;
  }
  return best < 0 ? undefined : rows.values[best];
}

function valueAt(ranges: RangeList<number>, address: number): number | undefined {
  const index = ranges.starts.findIndex((start, i) => start <= address && ranges.ends[i]! >= address);
  return index < 0 ? undefined : ranges.values[index];
}

const row = fc.tuple(fc.integer({ min: 0, max: SPACE - 1 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 3 }));
const rowsOf = (tuples: Array<[number, number, number]>): RangeList<number> => ({
  starts: tuples.map(([start]) => start),
  ends: tuples.map(([start, length]) => Math.min(SPACE - 1, start + length)),
  values: tuples.map(([, , value]) => value),
});

describe("overlapping rows made disjoint", () => {
  it("answers at every address what the rule says, and nothing where no row is", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), (tuples) => {
        const rows = rowsOf(tuples);
        const ranges = disjointRanges(rows, IPV4_MATH);
        for (let address = 0; address < SPACE; address++) expect(valueAt(ranges, address)).toBe(winnerAt(rows, address));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("gives sorted ranges that neither overlap nor touch with the same value", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), (tuples) => {
        const ranges = disjointRanges(rowsOf(tuples), IPV4_MATH);
        for (let i = 1; i < ranges.starts.length; i++) {
          expect(ranges.starts[i]!).toBeGreaterThan(ranges.ends[i - 1]!);
          if (ranges.starts[i] === ranges.ends[i - 1]! + 1) expect(ranges.values[i]).not.toBe(ranges.values[i - 1]);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("splits an outer block around a more specific one, as with a GeoFeed /29 inside a WHOIS block", () => {
    const rows = { starts: [0, 8], ends: [31, 15], values: [1, 2] };
    expect(disjointRanges(rows, IPV4_MATH)).toEqual({ starts: [0, 8, 16], ends: [7, 15, 31], values: [1, 2, 1] });
  });
});
