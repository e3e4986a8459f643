// Alert rules: who hears which alerts, by mail or webhook. A rule of a tenant hears that tenant's
// alerts; a fleet rule (no tenant, MSP admins only) hears all of them. A webhook's signing
// secret is made here, answered once by createAlertRule and never again (views leave it out,
// and the audit writer drops any field named *secret).
import { GatehouseError } from "@gatehouse/core";
import type { AlertRule, Prisma, PrismaClient } from "@gatehouse/db";
import { newSecret } from "../auth/secrets.ts";
import { iso } from "../services/listing.ts";
import { runMutation, type MutationContext } from "../services/mutation.ts";
import type { RULE_KINDS } from "./alert-kinds.ts";
import { testAlert } from "./alert-kinds.ts";
import { queueForRule } from "./outbox.ts";
import { checkWebhookUrl } from "./webhook-target.ts";

/** More rules than this per tenant (or for the fleet) is a mistake, not a setup. */
const MAX_RULES_PER_OWNER = 50;
const SECRET_PREFIX = "whsec_";

type RuleKind = (typeof RULE_KINDS)[number];

export type NewAlertRule = { tenantId?: string | undefined; name: string; kinds: RuleKind[] } & (
  | { channel: "EMAIL"; email: string }
  | { channel: "WEBHOOK"; webhookUrl: string }
);

/**
 * A webhook URL as lists show it: scheme, host and first path segment. The rest of a path is
 * often a credential itself (Slack's https://hooks.slack.com/services/T…/B…/<secret>).
 */
function shownWebhookUrl(text: string): string {
  const url = new URL(text);
  const [first, ...rest] = url.pathname.split("/").filter(Boolean);
  return `${url.origin}${first ? `/${first}` : ""}${rest.length > 0 || url.search ? "/…" : ""}`;
}

function alertRuleView(rule: AlertRule) {
  return {
    id: rule.id,
    tenantId: rule.tenantId,
    name: rule.name,
    kinds: rule.kinds,
    channel: rule.channel,
    email: rule.email,
    webhookUrl: rule.webhookUrl === null ? null : shownWebhookUrl(rule.webhookUrl),
    enabled: rule.enabled,
    createdAt: iso(rule.createdAt),
  };
}

export async function createAlertRule(ctx: MutationContext, input: NewAlertRule, allowPrivateTargets: boolean) {
  const webhookUrl = input.channel === "WEBHOOK" ? checkWebhookUrl(input.webhookUrl, allowPrivateTargets).toString() : null;
  const webhookSecret = input.channel === "WEBHOOK" ? `${SECRET_PREFIX}${newSecret()}` : null;
  const tenantId = input.tenantId ?? null;
  const rule = await runMutation(ctx, "alert_rule.created", async (tx) => {
    if ((await tx.alertRule.count({ where: { tenantId } })) >= MAX_RULES_PER_OWNER) {
      throw new GatehouseError("CONFLICT", `at most ${MAX_RULES_PER_OWNER} alert rules per tenant (and for the fleet); remove one first`);
    }
    const row = await tx.alertRule.create({
      data: { tenantId, name: input.name, kinds: [...new Set(input.kinds)], channel: input.channel, email: input.channel === "EMAIL" ? input.email : null, webhookUrl, webhookSecret, createdAt: ctx.now() },
    });
    return { result: row, audit: { tenantId, targetType: "alertRule", targetId: row.id, after: alertRuleView(row) }, affected: [] };
  });
  return { rule: alertRuleView(rule), webhookSecret };
}

/** `tenantId`: one tenant's rules; null: the fleet rules; undefined: every rule (MSP admins). */
export async function listAlertRules(prisma: PrismaClient, tenantId: string | null | undefined) {
  const where: Prisma.AlertRuleWhereInput = tenantId === undefined ? {} : { tenantId };
  const rows = await prisma.alertRule.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 1_000 });
  return rows.map(alertRuleView);
}

export function removeAlertRule(ctx: MutationContext, ruleId: string) {
  return runMutation(ctx, "alert_rule.removed", async (tx) => {
    const row = await tx.alertRule.delete({ where: { id: ruleId } });
    return { result: alertRuleView(row), audit: { tenantId: row.tenantId, targetType: "alertRule", targetId: row.id, before: alertRuleView(row) }, affected: [] };
  });
}

/** Queues a test alert to this one rule; the worker delivers it like any other. */
export function sendTestAlert(ctx: MutationContext, ruleId: string) {
  return runMutation(ctx, "alert_rule.tested", async (tx) => {
    const rule = await tx.alertRule.findUniqueOrThrow({ where: { id: ruleId } });
    const deliveryId = await queueForRule(tx, rule, testAlert(rule.name, rule.tenantId), ctx.now());
    return { result: { deliveryId }, audit: { tenantId: rule.tenantId, targetType: "alertRule", targetId: rule.id, after: { deliveryId } }, affected: [] };
  });
}

/** The latest deliveries of the rules `where` selects, newest first. */
export async function listDeliveries(prisma: PrismaClient, where: Prisma.AlertDeliveryWhereInput, limit: number) {
  const rows = await prisma.alertDelivery.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, include: { rule: { select: { name: true, channel: true } } } });
  return rows.map((row) => ({
    id: row.id,
    ruleId: row.ruleId,
    ruleName: row.rule.name,
    channel: row.rule.channel,
    kind: row.kind,
    text: (row.payload as { text?: string } | null)?.text ?? "",
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: iso(row.createdAt),
    deliveredAt: iso(row.deliveredAt),
  }));
}
