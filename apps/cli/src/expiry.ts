// --expires accepts a duration from now ("30m", "12h", "7d", "2w") or an ISO date/time.
import { CliError } from "./errors.ts";

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds in "30m", "12h", "7d", "2w"; undefined when `text` is no such duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*([mhdw])$/i.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]! : undefined;
}

/** The absolute expiry for `text`, which must lie in the future. */
export function parseExpiry(text: string, now: Date = new Date()): Date {
  const trimmed = text.trim();
  const duration = parseDuration(trimmed);
  let at: Date;
  if (duration !== undefined) {
    at = new Date(now.getTime() + duration);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    at = new Date(trimmed);
  } else {
    throw new CliError(`--expires ${text}: expected a duration like 30m, 12h, 7d, 2w or an ISO date like 2025-12-31 or 2025-12-31T18:00:00Z`);
  }
  if (Number.isNaN(at.getTime())) throw new CliError(`--expires ${text}: not a valid date`);
  if (at.getTime() <= now.getTime()) throw new CliError(`--expires ${text}: that is not in the future`);
  return at;
}
