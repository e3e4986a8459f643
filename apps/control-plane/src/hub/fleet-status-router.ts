// tRPC `fleet`: the agents as operators see them. Read procedures, so the caller's tenant
// scope applies (an id of another tenant is NOT_FOUND; lists are filtered to the own tenant).
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import type { Prisma } from "@gatehouse/db";
import { groupNameSchema, idSchema } from "../api/inputs.ts";
import { createTRPCRouter, readProcedure } from "../api/trpc.ts";
import type { AgentPresence } from "./hub-types.ts";
import { fleetStatus, serverAgentDetail } from "./fleet-status.ts";

const NOBODY_ONLINE: ReadonlyMap<string, AgentPresence> = new Map();

export const fleetRouter = createTRPCRouter({
  /** Every server in scope: online, last seen, desired vs applied, drift, unresolved FQDNs. */
  status: readProcedure(
      z
        .strictObject({
          tenantId: idSchema.optional(),
          tag: groupNameSchema.optional(),
          /** Only servers that are offline, out of sync, or have unresolved FQDNs or errors. */
          problemsOnly: z.boolean().optional(),
        })
        .default({}),
    )
    .query(async ({ ctx, input }) => {
      const where: Prisma.ServerWhereInput = {
        ...(input.tenantId ? { tenantId: input.tenantId } : {}),
        ...ctx.access.ownTenant(),
        ...(input.tag ? { tags: { has: input.tag } } : {}),
      };
      const rows = await fleetStatus(ctx.app.prisma, ctx.app.agents?.onlineServers() ?? NOBODY_ONLINE, where);
      if (!input.problemsOnly) return rows;
      return rows.filter((r) => !r.online || !r.inSync || r.unresolved.length > 0 || r.errors.length > 0);
    }),

  /** One server, with each FQDN's last answer and when. */
  server: readProcedure(z.strictObject({ serverId: idSchema })).query(async ({ ctx, input }) => {
    const detail = await serverAgentDetail(ctx.app.prisma, ctx.app.agents?.onlineServers() ?? NOBODY_ONLINE, input.serverId);
    if (detail === null) throw new TRPCError({ code: "NOT_FOUND", message: `server ${input.serverId} not found` });
    return detail;
  }),
});
