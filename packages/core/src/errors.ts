// The one application error type of Gatehouse. Domain code throws it with a code that says what
// went wrong from the caller's point of view; the control plane maps each code to a tRPC code
// once, in its error formatter, and the CLI and UI show `message` as is.

export type ErrorCode =
  | "BAD_INPUT"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "UNAUTHORIZED"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "LOCKED";

export class GatehouseError extends Error {
  override readonly name = "GatehouseError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isGatehouseError(error: unknown, code?: ErrorCode): error is GatehouseError {
  return error instanceof GatehouseError && (code === undefined || error.code === code);
}
