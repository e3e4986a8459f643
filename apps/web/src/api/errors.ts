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
    if (name && !result[name]) result[name] = message;
  }
  if (fallbackField && Object.keys(result).length === 0) result[fallbackField] = messageOf(error);
  return result;
}

/** One sentence for a banner. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isUnauthorized(error: unknown): boolean {
  return dataOf(error)?.code === "UNAUTHORIZED";
}
