// Disjoint sorted ranges packed into typed arrays, searched by bisection: ~1.1 million ranges
// as a few flat arrays instead of a million objects. IPv4 bounds are Uint32; IPv6 bounds are
// two BigUint64 halves each, compared high half first.
import type { RangeList } from "./ranges.ts";

export interface RangeTable<T extends number | bigint> {
  readonly size: number;
  /** The value of the range holding `address`, or -1. */
  find(address: T): number;
  first(index: number): T;
  last(index: number): T;
  value(index: number): number;
}

type Values = Uint16Array | Uint32Array;

class Ipv4Table implements RangeTable<number> {
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;

  constructor(
    ranges: RangeList<number>,
    private readonly values: Values,
  ) {
    this.starts = Uint32Array.from(ranges.starts);
    this.ends = Uint32Array.from(ranges.ends);
  }

  get size(): number {
    return this.starts.length;
  }

  find(key: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.starts[middle]! > key) high = middle - 1;
      else if (this.ends[middle]! < key) low = middle + 1;
      else return this.values[middle]!;
    }
    return -1;
  }

  first(index: number): number {
    return this.starts[index]!;
  }

  last(index: number): number {
    return this.ends[index]!;
  }

  value(index: number): number {
    return this.values[index]!;
  }
}

const LOW_MASK = (1n << 64n) - 1n;

class Ipv6Table implements RangeTable<bigint> {
  private readonly startHigh: BigUint64Array;
  private readonly startLow: BigUint64Array;
  private readonly endHigh: BigUint64Array;
  private readonly endLow: BigUint64Array;

  constructor(
    ranges: RangeList<bigint>,
    private readonly values: Values,
  ) {
    this.startHigh = BigUint64Array.from(ranges.starts, (v) => v >> 64n);
    this.startLow = BigUint64Array.from(ranges.starts, (v) => v & LOW_MASK);
    this.endHigh = BigUint64Array.from(ranges.ends, (v) => v >> 64n);
    this.endLow = BigUint64Array.from(ranges.ends, (v) => v & LOW_MASK);
  }

  get size(): number {
    return this.startHigh.length;
  }

  find(address: bigint): number {
    const high = address >> 64n;
    const low = address & LOW_MASK;
    let bottom = 0;
    let top = this.startHigh.length - 1;
    while (bottom <= top) {
      const middle = (bottom + top) >>> 1;
      const startHigh = this.startHigh[middle]!;
      const endHigh = this.endHigh[middle]!;
      if (startHigh > high || (startHigh === high && this.startLow[middle]! > low)) top = middle - 1;
      else if (endHigh < high || (endHigh === high && this.endLow[middle]! < low)) bottom = middle + 1;
      else return this.values[middle]!;
    }
    return -1;
  }

  first(index: number): bigint {
    return (this.startHigh[index]! << 64n) | this.startLow[index]!;
  }

  last(index: number): bigint {
    return (this.endHigh[index]! << 64n) | this.endLow[index]!;
  }

  value(index: number): number {
    return this.values[index]!;
  }
}

function valuesOf(ranges: RangeList<number | bigint>, small: boolean): Values {
  return small ? Uint16Array.from(ranges.values) : Uint32Array.from(ranges.values);
}

/** Packs disjoint sorted IPv4 ranges; `small` values (under 65,536, like country indexes) take two bytes each. */
export function packIpv4Ranges(ranges: RangeList<number>, small: boolean): RangeTable<number> {
  return new Ipv4Table(ranges, valuesOf(ranges, small));
}

/** Packs disjoint sorted IPv6 ranges, like packIpv4Ranges. */
export function packIpv6Ranges(ranges: RangeList<bigint>, small: boolean): RangeTable<bigint> {
  return new Ipv6Table(ranges, valuesOf(ranges, small));
}
