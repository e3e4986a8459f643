// The audit log: every change and security event, newest first, with filters and keyset paging
// (at most 100 events a page, fewer when their snapshots are large: page-budget.ts).
// Non-MSP-admins see their tenant's events only (fleet-level events have no tenant).
import { z } from "zod";
import type { Prisma } from "@gatehouse/db";
import { afterCursor, encodeCursor, idSchema, instantSchema, iso, pageSchema } from "../inputs.ts";
import { AUDIT_PAGE_MAX, AUDIT_PAGE_SNAPSHOT_BYTES, prefixWithinBudget, snapshotBytes } from "../page-budget.ts";
import { createTRPCRouter, readProcedure } from "../trpc.ts";

const listInput = pageSchema.extend({
  limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_MAX),
  tenantId: idSchema.optional(),
  /** "operator:<id>", "traveler:<id>", "agent:<serverId>", "system". */
  actor: z.string().max(100).optional(),
  /** Exact action ("entry.created"), or a prefix ending in "." ("entry."). */
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(64).optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
});

export const auditRouter = createTRPCRouter({
  list: readProcedure(listInput.default({ limit: AUDIT_PAGE_MAX })).query(async ({ ctx, input }) => {
    const and: Prisma.AuditEventWhereInput[] = [ctx.access.ownTenant()];
    if (input.tenantId) and.push({ tenantId: input.tenantId });
    if (input.actor) and.push({ actor: input.actor });
    if (input.action) and.push({ action: input.action.endsWith(".") ? { startsWith: input.action } : input.action });
    if (input.targetType) and.push({ targetType: input.targetType });
    if (input.targetId) and.push({ targetId: input.targetId });
    if (input.from) and.push({ at: { gte: input.from } });
    if (input.to) and.push({ at: { lt: input.to } });
    and.push(afterCursor("at", input.cursor) as Prisma.AuditEventWhereInput);
    const rows = await ctx.app.prisma.auditEvent.findMany({ where: { AND: and }, orderBy: [{ at: "desc" }, { id: "desc" }], take: input.limit + 1 });
    const page = prefixWithinBudget(rows.slice(0, input.limit), snapshotBytes, AUDIT_PAGE_SNAPSHOT_BYTES);
    const last = page[page.length - 1];
    return {
      events: page.map((row) => ({ ...row, at: iso(row.at) })),
      nextCursor: rows.length > page.length && last ? encodeCursor(last.at, last.id) : null,
    };
  }),
});
