// Tenants (the MSP's customers). MSP admins manage them; everyone else sees their own.
import { z } from "zod";
import { GatehouseError } from "@gatehouse/core";
import { runMutation } from "../../services/mutation.ts";
import type { Prisma } from "@gatehouse/db";
import { idSchema, iso, nameSchema } from "../inputs.ts";
import { afterKeyCursor, encodeKeyCursor, keyOrder, LIST_PAGE_DEFAULT, listPageSchema, pageOf } from "../list-page.ts";
import { createTRPCRouter, mspAdminProcedure, readProcedure } from "../trpc.ts";

const tenantFields = { id: true, name: true, createdAt: true, _count: { select: { servers: true, operators: true, travelers: true } } } as const;

function tenantView(row: { id: string; name: string; createdAt: Date; _count: { servers: number; operators: number; travelers: number } }) {
  return { id: row.id, name: row.name, createdAt: iso(row.createdAt), servers: row._count.servers, operators: row._count.operators, travelers: row._count.travelers };
}

export const tenantsRouter = createTRPCRouter({
  create: mspAdminProcedure(z.strictObject({ name: nameSchema })).mutation(({ ctx, input }) =>
    runMutation(ctx.mutation, "tenant.created", async (tx) => {
      const tenant = tenantView(await tx.tenant.create({ data: { name: input.name, createdAt: ctx.app.now() }, select: tenantFields }));
      return { result: tenant, audit: { tenantId: tenant.id, targetType: "tenant", targetId: tenant.id, after: { name: tenant.name } }, affected: [] };
    }),
  ),

  /** A page of the tenants the caller sees, by name (at most LIST_PAGE_MAX); follow `nextCursor`. */
  list: readProcedure(listPageSchema.default(LIST_PAGE_DEFAULT)).query(async ({ ctx, input }) => {
    const own: Prisma.TenantWhereInput = ctx.access.tenantId === null ? {} : { id: ctx.access.tenantId };
    const where: Prisma.TenantWhereInput = { AND: [own, afterKeyCursor<Prisma.TenantWhereInput>("name", input.cursor)] };
    const rows = await ctx.app.prisma.tenant.findMany({ where, select: tenantFields, orderBy: keyOrder("name"), take: input.limit + 1 });
    const { page, nextCursor } = pageOf(rows, input.limit, (last) => encodeKeyCursor(last.name, last.id));
    return { tenants: page.map(tenantView), nextCursor };
  }),

  rename: mspAdminProcedure(z.strictObject({ tenantId: idSchema, name: nameSchema })).mutation(({ ctx, input }) =>
    runMutation(ctx.mutation, "tenant.renamed", async (tx) => {
      const before = await tx.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: { name: true } });
      const tenant = tenantView(await tx.tenant.update({ where: { id: input.tenantId }, data: { name: input.name }, select: tenantFields }));
      return { result: tenant, audit: { tenantId: tenant.id, targetType: "tenant", targetId: tenant.id, before, after: { name: tenant.name } }, affected: [] };
    }),
  ),

  /** Only an empty tenant: servers, operators and travelers must be removed first. */
  delete: mspAdminProcedure(z.strictObject({ tenantId: idSchema })).mutation(({ ctx, input }) =>
    runMutation(ctx.mutation, "tenant.deleted", async (tx) => {
      const tenant = tenantView(await tx.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: tenantFields }));
      const left = [`${tenant.servers} server(s)`, `${tenant.operators} operator(s)`, `${tenant.travelers} traveler(s)`].filter((text) => !text.startsWith("0 "));
      if (left.length > 0) throw new GatehouseError("CONFLICT", `tenant ${tenant.name} still has ${left.join(", ")}; remove them first`);
      await tx.tenant.delete({ where: { id: input.tenantId } });
      return { result: { deleted: true }, audit: { tenantId: tenant.id, targetType: "tenant", targetId: tenant.id, before: tenant }, affected: [] };
    }),
  ),
});
