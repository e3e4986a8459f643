// Alert rules (who hears which alerts, by mail or signed webhook) and their recent deliveries.
// A rule without tenantId is a fleet rule: MSP admins only. A webhook's signing secret is in
// add's answer and nowhere else, ever.
import { z } from "zod";
import { RULE_KINDS, ruleKindSchema } from "../../alerts/alert-kinds.ts";
import { createAlertRule, listAlertRules, listDeliveries, removeAlertRule, sendTestAlert } from "../../alerts/rules.ts";
import { idSchema, nameSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";

const ruleFields = { tenantId: idSchema.optional(), name: nameSchema, kinds: z.array(ruleKindSchema).min(1, "name at least one alert kind").max(RULE_KINDS.length) };

const addInput = z.discriminatedUnion("channel", [
  z.strictObject({ ...ruleFields, channel: z.literal("EMAIL"), email: z.email("must be an e-mail address").max(254) }),
  z.strictObject({ ...ruleFields, channel: z.literal("WEBHOOK"), webhookUrl: z.string().trim().min(1).max(2_000) }),
]);

const listInput = z.strictObject({ tenantId: idSchema.optional(), fleetOnly: z.boolean().optional() }).default({});
const ruleInput = z.strictObject({ alertRuleId: idSchema });
const deliveriesInput = z.strictObject({ alertRuleId: idSchema.optional(), limit: z.number().int().min(1).max(100).default(50) }).default({ limit: 50 });

export const alertsRouter = createTRPCRouter({
  /** A tenant's operators see their tenant's rules; an MSP admin every rule, one tenant's, or the fleet's. */
  list: readProcedure(listInput).query(({ ctx, input }) => listAlertRules(ctx.app.prisma, ctx.access.tenantId ?? input.tenantId ?? (input.fleetOnly ? null : undefined))),

  add: writeProcedure(addInput, { fleetLevel: (input) => input.tenantId === undefined }).mutation(({ ctx, input }) =>
    createAlertRule(ctx.mutation, input, ctx.app.env.ALERT_WEBHOOK_ALLOW_PRIVATE),
  ),

  remove: writeProcedure(ruleInput).mutation(({ ctx, input }) => removeAlertRule(ctx.mutation, input.alertRuleId)),

  /** Queues a test alert to the rule and delivers it at once (see deliveries for the outcome). */
  test: writeProcedure(ruleInput).mutation(async ({ ctx, input }) => {
    const queued = await sendTestAlert(ctx.mutation, input.alertRuleId);
    ctx.app.alerts?.kick();
    return queued;
  }),

  deliveries: readProcedure(deliveriesInput).query(({ ctx, input }) =>
    listDeliveries(ctx.app.prisma, { ...ctx.access.ownTenant(), ...(input.alertRuleId ? { ruleId: input.alertRuleId } : {}) }, input.limit),
  ),
});
