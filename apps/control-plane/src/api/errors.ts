// The one mapping from application errors to tRPC errors, and the error shape clients see:
// GatehouseError codes and the database's unique/not-found errors become tRPC codes here, and
// validation errors carry the failing field's path, so a form can show the parser's message
// next to the right input.
import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { isGatehouseError, type ErrorCode } from "@gatehouse/core";
import { Prisma } from "@gatehouse/db";
import { fieldName, humanIssueMessage, type ZodIssueLike } from "./issue-messages.ts";

const TRPC_CODE: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_INPUT: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED",
  CONFLICT: "CONFLICT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  LOCKED: "TOO_MANY_REQUESTS",
};

/** The tRPC error for an application or database error; null = not ours (stays INTERNAL). */
export function toTRPCError(cause: unknown): TRPCError | null {
  if (isGatehouseError(cause)) return new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  if (cause instanceof Prisma.PrismaClientKnownRequestError) {
    if (cause.code === "P2002") return new TRPCError({ code: "CONFLICT", message: `that ${uniqueTarget(cause)} is already taken`, cause });
    if (cause.code === "P2025") return new TRPCError({ code: "NOT_FOUND", message: "not found (it may have just been removed)", cause });
  }
  return null;
}

function uniqueTarget(error: Prisma.PrismaClientKnownRequestError): string {
  const target = error.meta?.target;
  const fields = Array.isArray(target) ? target.map(String) : typeof target === "string" ? [target] : [];
  return fields.length > 0 ? fields.join(" + ") : "name";
}

type IssueLike = ZodIssueLike;

function issuesOf(cause: unknown): IssueLike[] | null {
  const issues = (cause as { issues?: unknown } | null)?.issues;
  return Array.isArray(issues) && issues.length > 0 ? (issues as IssueLike[]) : null;
}

function pathText(path: IssueLike["path"]): string {
  return (path ?? []).map((part) => String(typeof part === "object" ? part.key : part)).join(".");
}

export interface FieldError {
  field: string;
  message: string;
}

/** What the error formatter adds to `shape.data`, and the message it shows. */
export function describeError(error: TRPCError): { message: string; field: string | null; fieldErrors: FieldError[] } {
  const issues = issuesOf(error.cause);
  if (issues !== null) {
    const worded = issues.map((issue) => ({ field: pathText(issue.path), name: fieldName(issue.path), message: humanIssueMessage(issue), raw: issue.message }));
    const fieldErrors = worded.map(({ field, message, raw }) => ({ field, message: message ?? raw }));
    const first = worded[0] as (typeof worded)[number];
    // A worded message names its field already ("Comment is too long: …"); one a schema wrote
    // gets the field's name in front ("Name: a name is required").
    const message = first.message ?? (first.field ? `${first.name}: ${first.raw}` : first.raw);
    return { message, field: first.field || null, fieldErrors };
  }
  const details = isGatehouseError(error.cause) ? error.cause.details : undefined;
  const field = typeof details?.field === "string" ? details.field : null;
  return { message: error.message, field, fieldErrors: field ? [{ field, message: error.message }] : [] };
}
