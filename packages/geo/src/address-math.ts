// Integer steps on addresses of one family: plain numbers for IPv4 (exact up to 2^53, and several
// times faster than bigint over the ~750,000 IPv4 rows), bigint for IPv6's 128 bits.

export interface AddressMath<T extends number | bigint> {
  readonly bits: number;
  next(value: T): T;
  previous(value: T): T;
  /** Zero bits at the low end (the family's bits for 0). */
  trailingZeros(value: T): number;
  /** The last address of the block of 2^size addresses starting at `start`. */
  blockLast(start: T, size: number): T;
  /** floor(log2(last - first + 1)): the size of the largest block that fits in first..last. */
  largestFit(first: T, last: T): number;
}

const LOW_32 = 0xffffffffn;

/** Trailing zeros of a uint32 (32 for 0); `&` works on the int32 bit pattern, which keeps the lowest set bit. */
function trailingZeros32(value: number): number {
  return value === 0 ? 32 : 31 - Math.clz32(value & -value);
}

export const IPV4_MATH: AddressMath<number> = {
  bits: 32,
  next: (value) => value + 1,
  previous: (value) => value - 1,
  trailingZeros: trailingZeros32,
  blockLast: (start, size) => start + 2 ** size - 1,
  largestFit: (first, last) => (last - first + 1 >= 2 ** 32 ? 32 : 31 - Math.clz32(last - first + 1)),
};

export const IPV6_MATH: AddressMath<bigint> = {
  bits: 128,
  next: (value) => value + 1n,
  previous: (value) => value - 1n,
  trailingZeros: (value) => {
    if (value === 0n) return 128;
    let zeros = 0;
    let rest = value;
    while ((rest & LOW_32) === 0n) {
      rest >>= 32n;
      zeros += 32;
    }
    return zeros + trailingZeros32(Number(rest & LOW_32));
  },
  blockLast: (start, size) => start + (1n << BigInt(size)) - 1n,
  largestFit: (first, last) => (last - first + 1n).toString(2).length - 1,
};
