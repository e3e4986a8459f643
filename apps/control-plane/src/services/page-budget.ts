// How much one page of a list may carry. A row count alone does not bound an audit page: each
// event carries its before/after snapshots, and one traveler's snapshot may name a thousand
// servers. So a page also stops once its snapshots reach a byte budget, and its cursor then
// points after the last row it holds.

export const AUDIT_PAGE_MAX = 100;
/** Snapshot text (before + after JSON) one audit page carries at most, but always one event. */
export const AUDIT_PAGE_SNAPSHOT_BYTES = 256 * 1024;

/** The longest prefix of `rows` whose sizes add up to at most `budget`; never empty if rows are not. */
export function prefixWithinBudget<T>(rows: readonly T[], size: (row: T) => number, budget: number): T[] {
  let used = 0;
  let count = 0;
  for (const row of rows) {
    used += size(row);
    if (count > 0 && used > budget) break;
    count += 1;
  }
  return rows.slice(0, count);
}

/** Bytes of an event's snapshots as they will travel (JSON text). */
export function snapshotBytes(event: { before: unknown; after: unknown }): number {
  const text = (value: unknown) => (value === null || value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
  return text(event.before) + text(event.after);
}
