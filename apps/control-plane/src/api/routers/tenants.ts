// Tenants (the MSP's customers). MSP admins manage them; everyone else sees their own.
import { z } from "zod";
import { createTenant, deleteTenant, listTenants, renameTenant } from "../../services/tenants.ts";
import { idSchema, LIST_PAGE_DEFAULT, listPageSchema, nameSchema } from "../inputs.ts";
import { createTRPCRouter, mspAdminProcedure, readProcedure } from "../trpc.ts";

export const tenantsRouter = createTRPCRouter({
  create: mspAdminProcedure(z.strictObject({ name: nameSchema })).mutation(({ ctx, input }) => createTenant(ctx.mutation, input.name)),

  /** A page of the tenants the caller sees, by name (at most LIST_PAGE_MAX); follow `nextCursor`. */
  list: readProcedure(listPageSchema.default(LIST_PAGE_DEFAULT)).query(({ ctx, input }) => listTenants(ctx.app.prisma, ctx.access.tenantId, input)),

  rename: mspAdminProcedure(z.strictObject({ tenantId: idSchema, name: nameSchema })).mutation(({ ctx, input }) => renameTenant(ctx.mutation, input.tenantId, input.name)),

  /** Only an empty tenant: servers, operators and travelers must be removed first. */
  delete: mspAdminProcedure(z.strictObject({ tenantId: idSchema })).mutation(({ ctx, input }) => deleteTenant(ctx.mutation, input.tenantId)),
});
