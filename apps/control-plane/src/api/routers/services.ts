// What an entry or a traveler may open, in one answer: the service catalogue (fixed, from
// @gatehouse/core) and the custom services the caller can see. The console asks here rather
// than bundling @gatehouse/core for the catalogue alone.
import { z } from "zod";
import { SERVICE_CATALOGUE } from "@gatehouse/core";
import { customServicesVisibleTo } from "../../services/custom-services.ts";
import { idSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure } from "../trpc.ts";

export const servicesRouter = createTRPCRouter({
  /** The catalogue, then fleet-wide custom services and the tenant's (all tenants' for an MSP admin without filter). */
  catalogue: readProcedure(z.strictObject({ tenantId: idSchema.optional() }).default({})).query(async ({ ctx, input }) => ({
    catalogue: SERVICE_CATALOGUE,
    custom: await customServicesVisibleTo(ctx.app.prisma, ctx.access.tenantId ?? input.tenantId),
  })),
});
