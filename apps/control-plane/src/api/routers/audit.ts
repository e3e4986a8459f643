// The audit log: every change and security event, newest first, with filters and keyset paging
// (at most 100 events a page, fewer when their snapshots are large: services/page-budget.ts).
// Non-MSP-admins see their tenant's events only (fleet-level events have no tenant). Events come
// with names, a sentence and the changed fields; exportCsv answers the same events as CSV.
import { z } from "zod";
import { exportAuditCsv, listAuditEvents } from "../../services/audit-log.ts";
import { AUDIT_PAGE_MAX } from "../../services/page-budget.ts";
import { idSchema, instantSchema, pageSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure } from "../trpc.ts";

const filterFields = {
  tenantId: idSchema.optional(),
  /** "operator:<id>", "traveler:<id>", "agent:<serverId>", "system". */
  actor: z.string().max(100).optional(),
  /** Exact action ("entry.created"), or a prefix ending in "." ("entry."). */
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(64).optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
};

const listInput = pageSchema.extend({ limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_MAX), ...filterFields });
const exportInput = z.strictObject(filterFields).default({});

export const auditRouter = createTRPCRouter({
  list: readProcedure(listInput.default({ limit: AUDIT_PAGE_MAX })).query(({ ctx, input }) => listAuditEvents(ctx.app.prisma, ctx.access.ownTenant(), input)),

  /** The filtered events (at most AUDIT_EXPORT_MAX, newest first) as one CSV text. */
  exportCsv: readProcedure(exportInput).query(({ ctx, input }) => exportAuditCsv(ctx.app.prisma, ctx.access.ownTenant(), input)),
});
