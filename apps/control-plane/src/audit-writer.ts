// Every audit event is written here, whoever writes it (runMutation, sign-ins, enrollment, agent
// reports, travelers, the IVR): before/after become plain JSON (dates as ISO text) and never
// carry a secret. Callers pass views without secrets already; dropping secret-named fields here,
// at any depth, is the second lock.
import type { Db, Prisma } from "@gatehouse/db";

export interface AuditEventDraft {
  at: Date;
  /** "operator:<id>", "traveler:<id>", "agent:<serverId>" or "system". */
  actor: string;
  action: string;
  tenantId: string | null;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

/** passwordHash, pinHash, tokenHash, agentCredentialHash, enrollmentToken, secret, ... */
const SECRET_FIELD = /(password|pin|token|secret|credential)(hash)?$/i;

/**
 * Writes the events as rows. Lazy like every Prisma write: the caller awaits it, or hands it to
 * `prisma.$transaction([...])` with its other writes.
 */
export function writeAuditEvents(db: Db, events: readonly AuditEventDraft[]): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.auditEvent.createMany({ data: events.map(auditRow) });
}

function auditRow({ before, after, ...fields }: AuditEventDraft): Prisma.AuditEventCreateManyInput {
  return { ...fields, before: scrubbedJson(before), after: scrubbedJson(after) };
}

/** undefined and null both mean "nothing" (stored as SQL NULL). */
function scrubbedJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return scrub(value) as Prisma.InputJsonValue;
}

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
