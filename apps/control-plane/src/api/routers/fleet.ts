// tRPC `fleet`: the agents as operators see them. Read procedures, so the caller's tenant
// scope applies (an id of another tenant is NOT_FOUND; lists are filtered to the own tenant).
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { fleetStatus, serverAgentDetail, type FleetServerStatus } from "../../hub/fleet-status.ts";
import { serverFilter } from "../../services/servers.ts";
import { groupNameSchema, idSchema, LIST_PAGE_DEFAULT, listPageSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure } from "../trpc.ts";

function hasProblem(row: FleetServerStatus): boolean {
  return row.problems.length > 0;
}

export const fleetRouter = createTRPCRouter({
  /** A page of the servers in scope, by name: online, last seen, desired vs applied, drift, unresolved FQDNs. */
  status: readProcedure(
      listPageSchema
        .extend({
          tenantId: idSchema.optional(),
          tag: groupNameSchema.optional(),
          /** Only servers with a problem (FleetProblem: revoked, offline, out of sync, errors, unresolved FQDNs, a drift repair or rollback in the last 24 h, not enrolled). */
          problemsOnly: z.boolean().optional(),
        })
        .default(LIST_PAGE_DEFAULT),
    )
    .query(async ({ ctx, input }) => {
      const where = serverFilter(ctx.access.ownTenant(), { tenantId: input.tenantId, tag: input.tag });
      const { servers, nextCursor } = await fleetStatus(ctx.app.prisma, where, input, ctx.app.now());
      // Problems are judged on the page (presence needs the live replicas, drift a comparison
      // of two columns), so a page of problems may hold fewer rows than the limit, even none.
      return { servers: input.problemsOnly ? servers.filter(hasProblem) : servers, nextCursor };
    }),

  /** One server, with each FQDN's last answer and when. */
  server: readProcedure(z.strictObject({ serverId: idSchema })).query(async ({ ctx, input }) => {
    const detail = await serverAgentDetail(ctx.app.prisma, input.serverId, ctx.app.now());
    if (detail === null) throw new TRPCError({ code: "NOT_FOUND", message: `server ${input.serverId} not found` });
    return detail;
  }),
});
