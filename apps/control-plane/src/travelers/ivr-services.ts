// The travelers service as the IVR's transport sees it (FastAgiServices): verification with the
// normalised caller ID as lockout source, grants of channel IVR, links, and the audit of calls and of
// refused AGI connections.
import type { FastAgiServices } from "../ivr/index.ts";
import { writeAuditEvents } from "../audit-writer.ts";
import type { TravelersContext } from "./context.ts";
import { createGrant } from "./grants.ts";
import { requestLink } from "./links.ts";
import { callerSource, verifyTraveler } from "./verification.ts";

export function travelerIvrServices(ctx: TravelersContext): FastAgiServices {
  return {
    async verify({ accountNumber, pin, callerId }) {
      const result = await verifyTraveler(ctx, { accountNumber, pin, source: callerSource(callerId) });
      if (result.ok) return { ok: true, travelerId: result.traveler.id };
      return { ok: false, reason: result.reason === "subject-blocked" ? "caller-blocked" : "invalid" };
    },

    async createGrant({ travelerId, address }) {
      const created = await createGrant(ctx, { travelerId, address, channel: "IVR", actor: `traveler:${travelerId}` });
      return { ok: true, expiresAt: created.grant.expiresAt };
    },

    async requestLink({ travelerId }) {
      return { ok: await requestLink(ctx, { travelerId, requestedBy: `traveler:${travelerId}` }) };
    },

    async recordCall(summary) {
      const traveler = summary.travelerId
        ? await ctx.prisma.traveler.findUnique({ where: { id: summary.travelerId }, select: { tenantId: true } })
        : null;
      await writeAuditEvents(ctx.prisma, [
        {
          at: ctx.now(),
          actor: summary.travelerId ? `traveler:${summary.travelerId}` : "system",
          action: "ivr.call.ended",
          tenantId: traveler?.tenantId ?? null,
          targetType: summary.travelerId ? "traveler" : undefined,
          targetId: summary.travelerId ?? undefined,
          after: {
            callerId: summary.callerId,
            outcome: summary.outcome,
            hungUpAt: summary.hungUpAt,
            address: summary.address,
            refusals: [...summary.refusals],
            uniqueId: summary.uniqueId,
          },
        },
      ]);
    },

    async recordRefusedConnection(refusal) {
      await writeAuditEvents(ctx.prisma, [{ at: ctx.now(), actor: "system", action: "ivr.connection.refused", tenantId: null, after: { ...refusal } }]);
    },
  };
}
