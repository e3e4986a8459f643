// One page of a list that can grow with the fleet (servers, travelers, operators, tenants...):
// at most LIST_PAGE_MAX rows a call, and a `nextCursor` to continue. Lists by name are paged by
// keyset over (key ascending, id ascending); lists by time use inputs.ts's (time, id) cursor.
// The cursor carries the last row's values, not a row reference, so a page never reads, or
// reveals the existence of, a row outside the caller's filter.
import { z } from "zod";
import { GatehouseError } from "@gatehouse/core";

export const LIST_PAGE_MAX = 100;

/** `limit` and `cursor` of a paged list; extend it with the list's filters. */
export const listPageSchema = z.strictObject({
  limit: z.number().int().min(1).max(LIST_PAGE_MAX).default(LIST_PAGE_MAX),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(400).optional(),
});

export const LIST_PAGE_DEFAULT = { limit: LIST_PAGE_MAX } as const;

export function encodeKeyCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify(["k", key, id])).toString("base64url");
}

function decodeKeyCursor(cursor: string): { key: string; id: string } {
  try {
    const [tag, key, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (tag === "k" && typeof key === "string" && typeof id === "string") return { key, id };
  } catch {
    // fall through
  }
  throw new GatehouseError("BAD_INPUT", "this page cursor is not one the server gave out", { field: "cursor" });
}

/** A where clause (of the model `W`) for rows strictly after the cursor in (`field` asc, id asc) order; `{}` for the first page. */
export function afterKeyCursor<W extends object>(field: string, cursor: string | undefined): W {
  if (cursor === undefined) return {} as W;
  const { key, id } = decodeKeyCursor(cursor);
  return { OR: [{ [field]: { gt: key } }, { [field]: key, id: { gt: id } }] } as W;
}

/** The (key asc, id asc) order that afterKeyCursor continues. */
export function keyOrder<F extends string>(field: F): [Record<F, "asc">, { id: "asc" }] {
  return [{ [field]: "asc" } as Record<F, "asc">, { id: "asc" }];
}

/**
 * Splits `limit + 1` fetched rows into the page and its cursor: a cursor only when a further
 * row exists, made from the page's last row by `cursorOf`.
 */
export function pageOf<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
