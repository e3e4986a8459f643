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
}

export const IPV4_MATH: AddressMath<number> = {
  bits: 32,
  next: (value) => value + 1,
  previous: (value) => value - 1,
  // `&` works on the int32 bit pattern, which keeps the lowest set bit of any uint32.
  trailingZeros: (value) => (value === 0 ? 32 : 31 - Math.clz32(value & -value)),
  blockLast: (start, size) => start + 2 ** size - 1,
};

export const IPV6_MATH: AddressMath<bigint> = {
  bits: 128,
  next: (value) => value + 1n,
  previous: (value) => value - 1n,
  trailingZeros: (value) => (value === 0n ? 128 : (value & -value).toString(2).length - 1),
  blockLast: (start, size) => start + (1n << BigInt(size)) - 1n,
};
