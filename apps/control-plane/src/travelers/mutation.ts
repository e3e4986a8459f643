// The travelers service's changes go through the control plane's runMutation (one transaction:
// the change, its audit event, the revision bumps; publish after commit). The service names
// the exact servers a change reaches, so each becomes a SERVER scope for the bump.
import type { PrismaClient } from "@gatehouse/db";
import type { RevisionBus } from "../bus.ts";
import { runMutation } from "../services/mutation.ts";
import type { RunMutation } from "./context.ts";

export function travelersMutation(prisma: PrismaClient, bus: RevisionBus, now: () => Date): RunMutation {
  return (request, work) =>
    runMutation({ prisma, bus, actor: request.actor, now }, request.action, async (tx) => {
      const done = await work(tx);
      return {
        result: done.value,
        audit: {
          tenantId: request.tenantId,
          targetType: request.targetType,
          targetId: done.targetId ?? "",
          before: done.before,
          after: done.after,
        },
        affected: done.serverIds.map((serverId) => ({ scope: "SERVER" as const, serverId })),
      };
    });
}
