// Drop telemetry of one server: who knocked on its closed ports (services/knocks.ts). Read
// access to the server's tenant suffices; the builder resolves serverId to its tenant.
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { knockSeries, topKnockers } from "../../services/knocks.ts";
import { idSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure } from "../trpc.ts";

const rangeSchema = z.strictObject({
  serverId: idSchema,
  /** How far back, in hours (default 24; beyond 48 the hourly rollups are read). */
  hours: z.number().int().min(1).max(720).default(24),
});

async function existing<T>(found: boolean, value: () => Promise<T>, serverId: string): Promise<T> {
  if (!found) throw new TRPCError({ code: "NOT_FOUND", message: `server ${serverId} not found` });
  return value();
}

export const knocksRouter = createTRPCRouter({
  /** The top 50 sources the server dropped in the range, each with packets, first and last seen, and its busiest ports. */
  top: readProcedure(rangeSchema).query(async ({ ctx, input }) => {
    const found = (await ctx.app.prisma.server.count({ where: { id: input.serverId } })) > 0;
    return existing(found, async () => ({ sources: await topKnockers(ctx.app.prisma, { ...input, now: ctx.app.now() }) }), input.serverId);
  }),

  /** Dropped packets per 5 minutes (or per hour beyond 48 h), oldest first. */
  series: readProcedure(rangeSchema).query(async ({ ctx, input }) => {
    const found = (await ctx.app.prisma.server.count({ where: { id: input.serverId } })) > 0;
    return existing(found, () => knockSeries(ctx.app.prisma, { ...input, now: ctx.app.now() }), input.serverId);
  }),
});
