// What an entry or a traveler may open, in one answer: the service catalogue (fixed, from
// @gatehouse/core) and the custom services the caller can see. The console asks here rather
// than bundling @gatehouse/core for the catalogue alone.
import { SERVICE_CATALOGUE } from "@gatehouse/core";
import { createTRPCRouter, readProcedure } from "../trpc.ts";
import { visibleCustomServices, visibleToInput } from "./custom-services.ts";

export const servicesRouter = createTRPCRouter({
  /** The catalogue, then fleet-wide custom services and the tenant's (all tenants' for an MSP admin without filter). */
  catalogue: readProcedure(visibleToInput).query(async ({ ctx, input }) => ({
    catalogue: SERVICE_CATALOGUE,
    custom: await visibleCustomServices(ctx.app.prisma, ctx.access.tenantId ?? input.tenantId),
  })),
});
