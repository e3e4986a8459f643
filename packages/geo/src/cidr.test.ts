// A range's CIDR blocks cover exactly the range, with the fewest blocks, in both families.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IPV4_MATH, IPV6_MATH, type AddressMath } from "./address-math.ts";
import { rangeToBlocks, type Block } from "./cidr.ts";

const SEED = 20_261_201;

/** Blocks tile first..last with no gap and no overlap, each aligned on its own size, and no two could be one. */
function expectExactTiling<T extends number | bigint>(blocks: readonly Block<T>[], first: T, last: T, math: AddressMath<T>): void {
  expect(blocks[0]?.base).toBe(first);
  let next = first;
  let previousSize = -1;
  let previousBase: T | null = null;
  for (const block of blocks) {
    const size = math.bits - block.prefix;
    expect(block.base).toBe(next);
    expect(math.trailingZeros(block.base)).toBeGreaterThanOrEqual(size);
    // Two equal neighbours that form one aligned block of twice the size would be one block.
    if (previousBase !== null && previousSize === size) expect(math.trailingZeros(previousBase)).toBeLessThanOrEqual(size);
    previousBase = block.base;
    previousSize = size;
    next = math.next(math.blockLast(block.base, size));
  }
  expect(math.previous(next)).toBe(last);
}

const ipv4 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const ipv6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const sortedPair = <T extends number | bigint>(pair: [T, T]): [T, T] => (pair[0] <= pair[1] ? pair : [pair[1], pair[0]]);

describe("a range as CIDR blocks", () => {
  it("covers every IPv4 address of the range and none outside, with the fewest blocks", () => {
    fc.assert(
      fc.property(fc.tuple(ipv4, ipv4).map(sortedPair), ([first, last]) => expectExactTiling(rangeToBlocks(first, last, IPV4_MATH), first, last, IPV4_MATH)),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("covers every IPv6 address of the range and none outside, with the fewest blocks", () => {
    fc.assert(
      fc.property(fc.tuple(ipv6, ipv6).map(sortedPair), ([first, last]) => expectExactTiling(rangeToBlocks(first, last, IPV6_MATH), first, last, IPV6_MATH)),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("in a small space, an address is in exactly one block if it is in the range, else in none", () => {
    fc.assert(
      fc.property(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(sortedPair), ([first, last]) => {
        const blocks = rangeToBlocks(first, last, IPV4_MATH);
        for (let address = 0; address < 300; address++) {
          const holding = blocks.filter((block) => address >= block.base && address <= IPV4_MATH.blockLast(block.base, 32 - block.prefix));
          expect(holding.length).toBe(address >= first && address <= last ? 1 : 0);
        }
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it("gives one block for an aligned network and the whole space", () => {
    expect(rangeToBlocks(0xc0000200, 0xc00002ff, IPV4_MATH)).toEqual([{ base: 0xc0000200, prefix: 24 }]);
    expect(rangeToBlocks(0, 2 ** 32 - 1, IPV4_MATH)).toEqual([{ base: 0, prefix: 0 }]);
    expect(rangeToBlocks(0n, (1n << 128n) - 1n, IPV6_MATH)).toEqual([{ base: 0n, prefix: 0 }]);
    expect(rangeToBlocks(5, 5, IPV4_MATH)).toEqual([{ base: 5, prefix: 32 }]);
    // 10.0.0.1 - 10.0.0.6: .1/32, .2/31, .4/31, .6/32
    expect(rangeToBlocks(0x0a000001, 0x0a000006, IPV4_MATH).map((block) => block.prefix)).toEqual([32, 31, 31, 32]);
  });
});
