// The alert outbox (AlertDelivery rows). Raising an alert writes one row per rule that hears it,
// in the caller's transaction when it has one; the worker (worker.ts) claims due rows, delivers
// them and records the outcome. A claim moves nextAttemptAt out by the lease, so a worker that
// dies mid-delivery leaves the row to be claimed again once the lease is over.
import type { Db, Prisma, PrismaClient } from "@gatehouse/db";
import { alertSubject, type Alert } from "./alert-kinds.ts";

export interface AlertPayload {
  text: string;
  subject: string;
  alert: { kind: string; tenantId: string | null; details: Record<string, unknown> };
  raisedAt: string;
}

/** Which rules hear an alert: enabled, listening to its kind, the fleet's or the alert's own tenant's. */
function audienceOf(alert: Alert): Prisma.AlertRuleWhereInput {
  const tenants: Prisma.AlertRuleWhereInput[] = [{ tenantId: null }, ...(alert.tenantId === null ? [] : [{ tenantId: alert.tenantId }])];
  return { enabled: true, kinds: { has: alert.kind }, OR: tenants };
}

function deliveryRow(rule: { id: string; tenantId: string | null }, alert: Alert, now: Date): Prisma.AlertDeliveryCreateManyInput {
  const payload: AlertPayload = {
    text: alert.text,
    subject: alertSubject(alert),
    alert: { kind: alert.kind, tenantId: alert.tenantId, details: alert.details },
    raisedAt: now.toISOString(),
  };
  return { ruleId: rule.id, kind: alert.kind, tenantId: rule.tenantId, payload: payload as unknown as Prisma.InputJsonValue, createdAt: now, nextAttemptAt: now };
}

/** Queues the alert for every rule that hears it; returns how many deliveries were queued. */
export async function raiseAlert(db: Db, alert: Alert, now: Date): Promise<number> {
  const rules = await db.alertRule.findMany({ where: audienceOf(alert), select: { id: true, tenantId: true } });
  if (rules.length === 0) return 0;
  await db.alertDelivery.createMany({ data: rules.map((rule) => deliveryRow(rule, alert, now)) });
  return rules.length;
}

/** Queues the alert for one rule (a test alert), whatever the rule listens to. */
export async function queueForRule(db: Db, rule: { id: string; tenantId: string | null }, alert: Alert, now: Date): Promise<string> {
  const created = await db.alertDelivery.create({ data: deliveryRow(rule, alert, now), select: { id: true } });
  return created.id;
}

/** A claimed delivery with its rule. */
export type ClaimedDelivery = Prisma.AlertDeliveryGetPayload<{ include: { rule: true } }>;

/** Claims up to `limit` due deliveries (FOR UPDATE SKIP LOCKED: replicas never claim the same row). */
export async function claimDue(prisma: PrismaClient, now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
  const at = now.toISOString();
  const leaseEnd = new Date(now.getTime() + leaseMs).toISOString();
  const claimed = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE "AlertDelivery" SET "attempts" = "attempts" + 1, "nextAttemptAt" = (${leaseEnd}::timestamptz AT TIME ZONE 'UTC')
    WHERE "id" IN (
      SELECT "id" FROM "AlertDelivery"
      WHERE "status" = 'PENDING' AND "nextAttemptAt" <= (${at}::timestamptz AT TIME ZONE 'UTC')
      ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING "id"`;
  if (claimed.length === 0) return [];
  return prisma.alertDelivery.findMany({ where: { id: { in: claimed.map((row) => row.id) } }, include: { rule: true }, orderBy: { createdAt: "asc" } });
}
