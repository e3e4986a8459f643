// Input pieces shared by the routers. Instants travel as ISO-8601 text (the API has no data
// transformer, so what a client sends and receives is plain JSON); outputs carry ISO text too.
import { z } from "zod";
import { GatehouseError } from "@gatehouse/core";

/** An id as stored (uuid text); the access middleware has already checked whose it is. */
export const idSchema = z.string().min(1).max(64);

/** ISO-8601 with an offset ("2026-01-31T12:00:00Z"), or a Date from an in-process caller. */
export const instantSchema = z
  .union([z.iso.datetime({ offset: true, message: "give a date and time like 2026-01-31T12:00:00Z" }), z.date()])
  .transform((value) => new Date(value));

export const nameSchema = z.string().trim().min(1, "a name is required").max(100);

/** Server group names: what an operator tags servers with and scopes entries to. */
export const groupNameSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/i, "a group name is 1-63 letters, digits, '.', '_' or '-'");

/**
 * A procedure's input schema. By convention every object in it is a z.strictObject, so a key
 * the procedure would ignore is refused instead; test/api-strict-inputs.test.ts proves it for
 * every procedure of the router.
 */
export type StrictInput = z.ZodType;

/** The input of a procedure that takes none: nothing, or an empty object. */
export const noInput = z.strictObject({}).optional();

export const pageSchema = z.strictObject({
  limit: z.number().int().min(1).max(500).default(100),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/**
 * Keyset paging over (time, id) descending. The cursor carries the last row's values, not a
 * row reference, so a page never reads, or reveals the existence of, a row outside the filter.
 */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof at === "string" && typeof id === "string" && !Number.isNaN(Date.parse(at))) return { at: new Date(at), id };
  } catch {
    // fall through
  }
  throw new GatehouseError("BAD_INPUT", "this page cursor is not one the server gave out", { field: "cursor" });
}

/** Rows strictly after the cursor in (time desc, id desc) order, for a `field` time column. */
export function afterCursor<F extends string>(field: F, cursor: string | undefined): Record<string, unknown> {
  if (cursor === undefined) return {};
  const { at, id } = decodeCursor(cursor);
  return { OR: [{ [field]: { lt: at } }, { [field]: at, id: { lt: id } }] };
}
