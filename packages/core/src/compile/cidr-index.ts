// Networks as (start, prefix) over bigints for both families, and an index that answers "which
// of these networks contain this one" with one Map lookup per prefix length in use.
import type { Family, Network } from "./members.ts";

export interface Cidr {
  family: Family;
  start: bigint;
  prefix: number;
  /** Canonical text ("0.0.0.0/0" and "::/0" only for the whole address space). */
  text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function cidrOf(network: Network): Cidr {
  return { family: network.family, start: BigInt(network.start), prefix: network.prefix, text: network.text };
}

/** Every address of a family: the source of ports open to everyone. */
export function everyAddress(family: Family): Cidr {
  return { family, start: 0n, prefix: 0, text: family === 4 ? "0.0.0.0/0" : "::/0" };
}

/** The last address of `cidr`. */
export function cidrEnd(cidr: Cidr): bigint {
  return cidr.start + (1n << BigInt(BITS[cidr.family] - cidr.prefix)) - 1n;
}

/** Identifies the network of `prefix` bits around `cidr`'s start. */
function keyAt(cidr: Cidr, prefix: number): string {
  return `${prefix}:${cidr.start >> BigInt(BITS[cidr.family] - prefix)}`;
}

/** Values filed under networks of one family. */
export class CidrIndex<T> {
  private readonly byKey = new Map<string, T[]>();
  private readonly prefixes = new Set<number>();

  add(cidr: Cidr, value: T): void {
    const key = keyAt(cidr, cidr.prefix);
    const values = this.byKey.get(key);
    if (values === undefined) this.byKey.set(key, [value]);
    else values.push(value);
    this.prefixes.add(cidr.prefix);
  }

  /** Values of every network that contains `cidr` (itself included). */
  containing(cidr: Cidr): T[] {
    const found: T[] = [];
    for (const prefix of this.prefixes) {
      if (prefix > cidr.prefix) continue;
      const values = this.byKey.get(keyAt(cidr, prefix));
      if (values !== undefined) found.push(...values);
    }
    return found;
  }
}
