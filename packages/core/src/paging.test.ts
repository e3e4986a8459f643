import { describe, expect, it } from "vitest";
import { followPages } from "./paging.ts";

/** A list of `total` numbers served `size` at a time, recording the cursors asked for. */
function pagedList(total: number, size: number) {
  const asked: (string | undefined)[] = [];
  const fetch = async (cursor: string | undefined) => {
    asked.push(cursor);
    const from = cursor === undefined ? 0 : Number(cursor);
    const items = Array.from({ length: Math.min(size, total - from) }, (_, i) => from + i);
    const next = from + size;
    return { items, nextCursor: next < total ? String(next) : null };
  };
  return { fetch, asked };
}

describe("following a paged list", () => {
  it("reads every page in order, each cursor once, until there is no next cursor", async () => {
    const list = pagedList(25, 10);
    expect(await followPages(list.fetch, (page) => page.items)).toEqual({ rows: Array.from({ length: 25 }, (_, i) => i), complete: true });
    expect(list.asked).toEqual([undefined, "10", "20"]);
  });

  it("stops at the page budget and says the list was cut", async () => {
    const list = pagedList(25, 10);
    const followed = await followPages(list.fetch, (page) => page.items, 2);
    expect(followed.complete).toBe(false);
    expect(followed.rows).toHaveLength(20);
    expect(list.asked).toEqual([undefined, "10"]);
  });

  it("an empty list is one call and complete", async () => {
    const list = pagedList(0, 10);
    expect(await followPages(list.fetch, (page) => page.items, 5)).toEqual({ rows: [], complete: true });
  });
});
