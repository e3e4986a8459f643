// The slice of the agent's pino logger the backends use; a pino Logger fits as it is.
import { createHash } from "node:crypto";

export interface FirewallLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const silentLogger: FirewallLogger = {
  info: () => undefined,
  warn: () => undefined,
};

/** sha256 of what a backend loaded, for AppliedSummary.rulesetHash. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
