// Audit before/after snapshots: plain JSON (dates as ISO text), and never a secret. Callers pass
// views without secrets already; dropping secret-named fields here is the second lock.
import type { Prisma } from "@gatehouse/db";

/** passwordHash, pinHash, tokenHash, agentCredentialHash, enrollmentToken, secret, ... */
const SECRET_FIELD = /(password|pin|token|secret|credential)(hash)?$/i;

function scrub(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(scrub);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (field === undefined || SECRET_FIELD.test(key)) continue;
      out[key] = scrub(field);
    }
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** undefined and null both mean "nothing" (stored as SQL NULL). */
export function auditJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return scrub(value) as Prisma.InputJsonValue;
}
