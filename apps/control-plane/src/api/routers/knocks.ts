// Drop telemetry: who knocked on a server's closed ports (services/knocks.ts), on a tenant's
// servers together and the fleet's trend (services/knock-overview.ts). Read access suffices;
// the builder resolves serverId or tenantId to its tenant (another tenant's is NOT_FOUND).
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { fleetKnockTrend, placeSources, portsTried, tenantKnockSeries, tenantTopKnockers } from "../../services/knock-overview.ts";
import { knockSeries, placeKnockers, topKnockers } from "../../services/knocks.ts";
import { idSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure } from "../trpc.ts";

const rangeSchema = z.strictObject({
  serverId: idSchema,
  /** How far back, in hours (default 24; beyond 48 the hourly rollups are read). */
  hours: z.number().int().min(1).max(720).default(24),
});

const tenantRangeSchema = z.strictObject({
  tenantId: idSchema,
  /** As for a server: beyond 48 h the hourly rollups are read. */
  hours: z.number().int().min(1).max(720).default(24),
});

async function existing<T>(found: boolean, value: () => Promise<T>, serverId: string): Promise<T> {
  if (!found) throw new TRPCError({ code: "NOT_FOUND", message: `server ${serverId} not found` });
  return value();
}

export const knocksRouter = createTRPCRouter({
  /** The top 50 sources the server dropped in the range, each with packets, first and last seen, its busiest ports, and its country and AS (null when unknown). */
  top: readProcedure(rangeSchema).query(async ({ ctx, input }) => {
    const found = (await ctx.app.prisma.server.count({ where: { id: input.serverId } })) > 0;
    return existing(
      found,
      async () => {
        const sources = await topKnockers(ctx.app.prisma, { ...input, now: ctx.app.now() });
        // No source, no need to load the database (seconds, on first use).
        return { sources: placeKnockers(sources, sources.length === 0 ? null : await ctx.app.geo.database()) };
      },
      input.serverId,
    );
  }),

  /** Dropped packets per 5 minutes (or per hour beyond 48 h), oldest first. */
  series: readProcedure(rangeSchema).query(async ({ ctx, input }) => {
    const found = (await ctx.app.prisma.server.count({ where: { id: input.serverId } })) > 0;
    return existing(found, () => knockSeries(ctx.app.prisma, { ...input, now: ctx.app.now() }), input.serverId);
  }),

  /** The ports tried most on the server in the range (top 20 by packets), each with how many sources tried it. */
  ports: readProcedure(rangeSchema).query(async ({ ctx, input }) => {
    const found = (await ctx.app.prisma.server.count({ where: { id: input.serverId } })) > 0;
    return existing(found, async () => ({ ports: await portsTried(ctx.app.prisma, { serverId: input.serverId }, { hours: input.hours, now: ctx.app.now() }) }), input.serverId);
  }),

  /** The top 50 sources on the tenant's servers together, placed like knocks.top's; each says on how many of them it knocked. */
  tenantTop: readProcedure(tenantRangeSchema).query(async ({ ctx, input }) => {
    const sources = await tenantTopKnockers(ctx.app.prisma, input.tenantId, { hours: input.hours, now: ctx.app.now() });
    return { sources: placeSources(sources, sources.length === 0 ? null : await ctx.app.geo.database()) };
  }),

  /** Dropped packets per bucket on the tenant's servers together, oldest first. */
  tenantSeries: readProcedure(tenantRangeSchema).query(({ ctx, input }) => tenantKnockSeries(ctx.app.prisma, input.tenantId, { hours: input.hours, now: ctx.app.now() })),

  /** The ports tried most on the tenant's servers together. */
  tenantPorts: readProcedure(tenantRangeSchema).query(async ({ ctx, input }) => ({
    ports: await portsTried(ctx.app.prisma, { tenantId: input.tenantId }, { hours: input.hours, now: ctx.app.now() }),
  })),

  /** Dropped packets per hour over the last 24 h of every server the caller may read that dropped any (the fleet page's trend). */
  fleetTrend: readProcedure(z.strictObject({ tenantId: idSchema.optional() }).default({})).query(({ ctx, input }) =>
    fleetKnockTrend(ctx.app.prisma, ctx.access.tenantId ?? input.tenantId ?? null, ctx.app.now()),
  ),
});
