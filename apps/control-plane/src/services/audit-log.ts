// Reading the audit log: every change and security event, newest first, with filters and
// keyset paging (at most AUDIT_PAGE_MAX events a page, fewer when their snapshots are large:
// page-budget.ts). A tenant's operator sees their tenant's events only. Each event comes with its
// readable parts (audit-readable.ts: names, a sentence, the changed fields, a console link), and
// the same events export as CSV (audit-csv.ts).
import type { Prisma, PrismaClient } from "@gatehouse/db";
import { auditCsv } from "./audit-csv.ts";
import { readableParts } from "./audit-readable.ts";
import { afterCursor, encodeCursor, iso, timeOrder, type PageRequest } from "./listing.ts";
import { AUDIT_PAGE_SNAPSHOT_BYTES, prefixWithinBudget, snapshotBytes } from "./page-budget.ts";

export interface AuditFilter extends PageRequest {
  tenantId?: string | undefined;
  /** "operator:<id>", "traveler:<id>", "agent:<serverId>", "system". */
  actor?: string | undefined;
  /** Exact action ("entry.created"), or a prefix ending in "." ("entry."). */
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

function conditions(ownTenant: { tenantId?: string }, filter: AuditFilter): Prisma.AuditEventWhereInput[] {
  const and: Prisma.AuditEventWhereInput[] = [ownTenant];
  if (filter.tenantId) and.push({ tenantId: filter.tenantId });
  if (filter.actor) and.push({ actor: filter.actor });
  if (filter.action) and.push({ action: filter.action.endsWith(".") ? { startsWith: filter.action } : filter.action });
  if (filter.targetType) and.push({ targetType: filter.targetType });
  if (filter.targetId) and.push({ targetId: filter.targetId });
  if (filter.from) and.push({ at: { gte: filter.from } });
  if (filter.to) and.push({ at: { lt: filter.to } });
  and.push(afterCursor<Prisma.AuditEventWhereInput>("at", filter.cursor));
  return and;
}

/** `ownTenant` is the access check's filter: `{}` for an MSP admin, `{ tenantId }` otherwise. */
export async function listAuditEvents(prisma: PrismaClient, ownTenant: { tenantId?: string }, filter: AuditFilter) {
  const rows = await prisma.auditEvent.findMany({ where: { AND: conditions(ownTenant, filter) }, orderBy: timeOrder("at"), take: filter.limit + 1 });
  const page = prefixWithinBudget(rows.slice(0, filter.limit), snapshotBytes, AUDIT_PAGE_SNAPSHOT_BYTES);
  const last = page[page.length - 1];
  const readable = await readableParts(prisma, page, ownTenant);
  return {
    events: page.map((row, index) => ({ ...row, at: iso(row.at), ...readable[index]! })),
    nextCursor: rows.length > page.length && last ? encodeCursor(last.at, last.id) : null,
  };
}

/** At most this many events in one CSV export; narrow the filters (from/to) for more. */
const AUDIT_EXPORT_MAX = 10_000;

/** The events the filter selects, newest first, as CSV; `truncated` when more than AUDIT_EXPORT_MAX matched. */
export async function exportAuditCsv(prisma: PrismaClient, ownTenant: { tenantId?: string }, filter: Omit<AuditFilter, "cursor" | "limit">) {
  const events = [];
  let cursor: string | undefined;
  do {
    const page = await listAuditEvents(prisma, ownTenant, { ...filter, limit: 100, cursor });
    events.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && events.length < AUDIT_EXPORT_MAX);
  return { csv: auditCsv(events.slice(0, AUDIT_EXPORT_MAX)), rows: Math.min(events.length, AUDIT_EXPORT_MAX), truncated: cursor !== undefined };
}
