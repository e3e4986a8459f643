// What a list answers: one page of rows that can grow with the fleet (servers, travelers,
// operators, tenants...), at most LIST_PAGE_MAX rows a call, with a `nextCursor` to continue,
// and instants as ISO-8601 text. Lists by name are paged by keyset over (key ascending, id
// ascending); lists by time over (time descending, id descending). A cursor carries the last
// row's values, not a row reference, so a page never reads, or reveals the existence of, a row
// outside the caller's filter.
import { GatehouseError } from "@gatehouse/core";

export const LIST_PAGE_MAX = 100;

/** The `limit` and `cursor` a paged list takes (api/inputs.ts parses them). */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  page: T[];
  nextCursor: string | null;
}

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function refusedCursor(): GatehouseError {
  return new GatehouseError("BAD_INPUT", "this page cursor is not one the server gave out", { field: "cursor" });
}

function decoded(cursor: string): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(values)) return values;
  } catch {
    // refused below
  }
  throw refusedCursor();
}

/** A cursor of a list by time: the last row's time and id. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = decoded(cursor);
  if (typeof at === "string" && typeof id === "string" && !Number.isNaN(Date.parse(at))) return { at: new Date(at), id };
  throw refusedCursor();
}

/** A where clause (of the model `W`) for rows past (`key`, `id`) in `field`, then id, order. */
function past<W extends object>(field: string, direction: "lt" | "gt", key: Date | string, id: string): W {
  return { OR: [{ [field]: { [direction]: key } }, { [field]: key, id: { [direction]: id } }] } as W;
}

/** Rows strictly after the cursor in (time desc, id desc) order, for a `field` time column; `{}` for the first page. */
export function afterCursor<W extends object>(field: string, cursor: string | undefined): W {
  if (cursor === undefined) return {} as W;
  const { at, id } = decodeCursor(cursor);
  return past<W>(field, "lt", at, id);
}

/** The (time desc, id desc) order that afterCursor continues. */
export function timeOrder<F extends string>(field: F): [Record<F, "desc">, { id: "desc" }] {
  return [{ [field]: "desc" } as Record<F, "desc">, { id: "desc" }];
}

/** A cursor of a list by name: the last row's key and id. */
export function encodeKeyCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify(["k", key, id])).toString("base64url");
}

function decodeKeyCursor(cursor: string): { key: string; id: string } {
  const [tag, key, id] = decoded(cursor);
  if (tag === "k" && typeof key === "string" && typeof id === "string") return { key, id };
  throw refusedCursor();
}

/** A where clause (of the model `W`) for rows strictly after the cursor in (`field` asc, id asc) order; `{}` for the first page. */
export function afterKeyCursor<W extends object>(field: string, cursor: string | undefined): W {
  if (cursor === undefined) return {} as W;
  const { key, id } = decodeKeyCursor(cursor);
  return past<W>(field, "gt", key, id);
}

/** The (key asc, id asc) order that afterKeyCursor continues. */
export function keyOrder<F extends string>(field: F): [Record<F, "asc">, { id: "asc" }] {
  return [{ [field]: "asc" } as Record<F, "asc">, { id: "asc" }];
}

/**
 * Splits `limit + 1` fetched rows into the page and its cursor: a cursor only when a further
 * row exists, made from the page's last row by `cursorOf`.
 */
export function pageOf<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
