// Turns what the API rejected into words for the operator and, where the API names the
// input at fault (`data.field` / `data.fieldErrors`, set by the control plane's error
// formatter), into messages shown next to that field.
import { TRPCClientError } from "@trpc/client";

export type FieldErrors = Record<string, string>;

interface ErrorData {
  code?: string;
  field?: string | null;
  fieldErrors?: { field: string; message: string }[];
}

function dataOf(error: unknown): ErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as ErrorData | undefined) : undefined;
}

/**
 * Field name -> message. A nested path ("services.0") counts for its first part. A message
 * the API did not tie to any field goes to `fallbackField` when one is given.
 */
export function fieldErrorsOf(error: unknown, fallbackField?: string): FieldErrors {
  if (!error) return {};
  const result: FieldErrors = {};
  for (const { field, message } of dataOf(error)?.fieldErrors ?? []) {
    const name = field.split(".")[0] ?? field;
    if (name && !result[name]) result[name] = withoutIds(message);
  }
  if (fallbackField && Object.keys(result).length === 0) result[fallbackField] = messageOf(error);
  return result;
}

/** What an outage says instead of the browser's "Failed to fetch". */
const UNREACHABLE_MESSAGE = "The control plane is unreachable (no answer from it or from the network). Retrying every few seconds…";

/** How often a query that found the control plane unreachable asks again (main.tsx). */
export const UNREACHABLE_RETRY_MS = 5000;

/**
 * No tRPC answer at all: the request never reached the control plane (fetch failed: it is down,
 * or the network is) or something in between answered instead of it (a proxy's 502 page).
 */
export function isUnreachable(error: unknown): boolean {
  return error instanceof TRPCClientError && error.shape === undefined && error.data === undefined;
}

/** One sentence for a banner. */
export function messageOf(error: unknown): string {
  if (isUnreachable(error)) return UNREACHABLE_MESSAGE;
  return withoutIds(error instanceof Error ? error.message : String(error));
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/**
 * The API names things by id for scripts ("server 0b8e7a52-… not found", "(entry 4c1f…)");
 * in the console the page already shows which thing it is, and an id means nothing to a person.
 */
function withoutIds(message: string): string {
  return message
    .replace(new RegExp(`\\s*\\((?:entry|id) ${UUID}\\)`, "gi"), "")
    .replace(new RegExp(`\\s${UUID}\\b`, "gi"), "")
    .replace(new RegExp(UUID, "gi"), "that one");
}

export function isUnauthorized(error: unknown): boolean {
  return dataOf(error)?.code === "UNAUTHORIZED";
}
