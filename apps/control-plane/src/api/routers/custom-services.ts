// Operator-defined services (one protocol, one port or range), usable in entries like the
// catalogue's. Fleet-wide ones (no tenant) are made by MSP admins and seen by everyone.
import { z } from "zod";
import { customServiceShape, portRangeInOrder } from "@gatehouse/core";
import { createCustomService, deleteCustomService, listCustomServices } from "../../services/custom-services.ts";
import { idSchema, LIST_PAGE_DEFAULT, listPageSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";

const createInput = z.strictObject({ ...customServiceShape, tenantId: idSchema.optional() }).refine(...portRangeInOrder);

export const customServicesRouter = createTRPCRouter({
  create: writeProcedure(createInput, { fleetLevel: (input) => input.tenantId === undefined }).mutation(({ ctx, input }) => createCustomService(ctx.mutation, input)),

  /** A page (by id) of the fleet-wide services and the tenant's (all tenants' for an MSP admin without filter). */
  list: readProcedure(listPageSchema.extend({ tenantId: idSchema.optional() }).default(LIST_PAGE_DEFAULT)).query(({ ctx, input }) =>
    listCustomServices(ctx.app.prisma, ctx.access.tenantId ?? input.tenantId, input),
  ),

  delete: writeProcedure(z.strictObject({ customServiceId: idSchema })).mutation(({ ctx, input }) => deleteCustomService(ctx.mutation, input.customServiceId)),
});
