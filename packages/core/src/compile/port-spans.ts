// Destination ports as sorted, disjoint, inclusive spans, and the set operations revocation needs
// (what a source could reach before, minus what it may still reach).

export interface PortSpan {
  from: number;
  /** Inclusive. */
  to: number;
}

/** Every port: what "all" services and the LAN and admin groups allow. */
export const EVERY_PORT: readonly PortSpan[] = [{ from: 0, to: 65535 }];

/** Sorted, disjoint spans; touching spans are merged (5060 and 5061 become 5060-5061). */
export function unionSpans(...lists: ReadonlyArray<readonly PortSpan[]>): PortSpan[] {
  const spans = lists.flat().map(({ from, to }) => ({ from, to }));
  spans.sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: PortSpan[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.from <= last.to + 1) last.to = Math.max(last.to, span.to);
    else merged.push(span);
  }
  return merged;
}

/** The ports of `spans` that are in none of `taken` (both sorted and disjoint). */
export function subtractSpans(spans: readonly PortSpan[], taken: readonly PortSpan[]): PortSpan[] {
  const left: PortSpan[] = [];
  for (const span of spans) {
    let from = span.from;
    for (const cut of taken) {
      if (cut.to < from || cut.from > span.to) continue;
      if (cut.from > from) left.push({ from, to: cut.from - 1 });
      from = cut.to + 1;
      if (from > span.to) break;
    }
    if (from <= span.to) left.push({ from, to: span.to });
  }
  return left;
}

/** The ports in both (sorted and disjoint). */
export function intersectSpans(a: readonly PortSpan[], b: readonly PortSpan[]): PortSpan[] {
  const both: PortSpan[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) both.push({ from, to });
    }
  }
  return unionSpans(both);
}

export function spansContain(spans: readonly PortSpan[], port: number): boolean {
  return spans.some((span) => span.from <= port && port <= span.to);
}
