// Input pieces shared by the routers. Instants travel as ISO-8601 text (the API has no data
// transformer, so what a client sends and receives is plain JSON); outputs carry ISO text too
// (services/listing.ts). Ids and group names are core's (the access middleware has already
// checked whose an id is).
import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../auth/passwords.ts";
import { LIST_PAGE_MAX } from "../services/listing.ts";

export { groupNameSchema, idSchema } from "@gatehouse/core";

/** ISO-8601 with an offset ("2026-01-31T12:00:00Z"), or a Date from an in-process caller. */
export const instantSchema = z
  .union([z.iso.datetime({ offset: true, message: "give a date and time like 2026-01-31T12:00:00Z" }), z.date()])
  .transform((value) => new Date(value));

export const nameSchema = z.string().trim().min(1, "a name is required").max(100);

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `a password needs at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, "a password has at most 1024 characters");

/**
 * A procedure's input schema. By convention every object in it is a z.strictObject, so a key
 * the procedure would ignore is refused instead; test/api-strict-inputs.test.ts proves it for
 * every procedure of the router.
 */
export type StrictInput = z.ZodType;

/** The input of a procedure that takes none: nothing, or an empty object. */
export const noInput = z.strictObject({}).optional();

/** `limit` and `cursor` of a paged list (services/listing.ts); extend it with the list's filters. */
export const listPageSchema = z.strictObject({
  limit: z.number().int().min(1).max(LIST_PAGE_MAX).default(LIST_PAGE_MAX),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(400).optional(),
});

export const LIST_PAGE_DEFAULT = { limit: LIST_PAGE_MAX } as const;

/** A page of a list by time (entries, the audit log): 100 rows by default. */
export const pageSchema = z.strictObject({
  limit: z.number().int().min(1).max(500).default(100),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});
