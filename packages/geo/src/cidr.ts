// An inclusive range of addresses as the fewest CIDR blocks that cover exactly it. Hand-written
// (a dozen lines, one code path for both families) rather than a dependency: ipaddr.js has no
// range-to-CIDR, and cidr-tools is not installed.
import type { AddressMath } from "./address-math.ts";

/** One CIDR block: its first address and its prefix length. */
export interface Block<T> {
  base: T;
  prefix: number;
}

/** Blocks covering first..last (inclusive) and nothing else, ascending; each is the largest aligned block that fits. */
export function rangeToBlocks<T extends number | bigint>(first: T, last: T, math: AddressMath<T>): Block<T>[] {
  const blocks: Block<T>[] = [];
  let start = first;
  for (;;) {
    const size = Math.min(math.trailingZeros(start), math.largestFit(start, last));
    blocks.push({ base: start, prefix: math.bits - size });
    const blockLast = math.blockLast(start, size);
    if (blockLast >= last) return blocks;
    start = math.next(blockLast);
  }
}
