// Operator-defined services (one protocol, one port or range), usable in entries like the
// catalogue's. Fleet-wide ones (no tenant) are made by MSP admins and seen by everyone.
import { z } from "zod";
import { customServiceShape, GatehouseError, portRangeInOrder } from "@gatehouse/core";
import { Prisma, type CustomService, type PrismaClient, type Tx } from "@gatehouse/db";
import { affectedByEntry } from "../../services/entries.ts";
import { runMutation, type AffectedScope } from "../../services/mutation.ts";
import { idSchema, iso } from "../inputs.ts";
import { afterKeyCursor, encodeKeyCursor, LIST_PAGE_DEFAULT, listPageSchema, pageOf } from "../list-page.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";

function customServiceView(row: CustomService) {
  return { id: row.id, name: row.name, protocol: row.protocol, portFrom: row.portFrom, portTo: row.portTo, tenantId: row.tenantId, createdAt: iso(row.createdAt) };
}

/** Input of a query for the services a tenant may use: its own, or every tenant's for an MSP admin without one. */
export const visibleToInput = z.strictObject({ tenantId: idSchema.optional() }).default({});

function visibleTo(tenantId: string | undefined): Prisma.CustomServiceWhereInput {
  return tenantId === undefined ? {} : { OR: [{ tenantId: null }, { tenantId }] };
}

/** Fleet-wide custom services and those of `tenantId` (every tenant's when undefined). */
export async function visibleCustomServices(prisma: PrismaClient, tenantId: string | undefined) {
  return (await prisma.customService.findMany({ where: visibleTo(tenantId), orderBy: { id: "asc" } })).map(customServiceView);
}

/**
 * A custom service's id is unique fleet-wide: entries and travelers name services by bare id,
 * next to the catalogue's and the fleet-wide ones, so one id must mean one service. Whose a
 * taken id is (the caller's tenant's, another tenant's, a fleet-wide one) is never said: every
 * taken id gets this same answer, so a tenant admin learns no other tenant's service ids.
 */
function refuseTakenId(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new GatehouseError("CONFLICT", "that id cannot be used; choose another", { field: "id" });
  }
  throw error;
}

/**
 * Servers whose state can change when service `id` appears or disappears: those reached by an
 * entry naming it (an entry naming an unknown service id allows nothing for it).
 */
async function serversUsing(tx: Tx, id: string): Promise<AffectedScope[]> {
  const entries = await tx.allowEntry.findMany({ where: { services: { has: id } }, select: { scope: true, tenantId: true, groupName: true, serverId: true } });
  return entries.map(affectedByEntry);
}

export const customServicesRouter = createTRPCRouter({
  create: writeProcedure(z.strictObject({ ...customServiceShape, tenantId: idSchema.optional() }).refine(...portRangeInOrder), { fleetLevel: (input) => input.tenantId === undefined })
    .mutation(({ ctx, input }) =>
      runMutation(ctx.mutation, "customService.created", async (tx) => {
        const row = await tx.customService
          .create({ data: { id: input.id, name: input.name, protocol: input.protocol, portFrom: input.portFrom, portTo: input.portTo, tenantId: input.tenantId ?? null, createdAt: ctx.app.now() } })
          .catch(refuseTakenId);
        const view = customServiceView(row);
        return { result: view, audit: { tenantId: row.tenantId, targetType: "customService", targetId: row.id, after: view }, affected: await serversUsing(tx, row.id) };
      }),
    ),

  /** A page (by id) of the fleet-wide services and the tenant's (all tenants' for an MSP admin without filter). */
  list: readProcedure(listPageSchema.extend({ tenantId: idSchema.optional() }).default(LIST_PAGE_DEFAULT)).query(async ({ ctx, input }) => {
    const where = { AND: [visibleTo(ctx.access.tenantId ?? input.tenantId), afterKeyCursor<Prisma.CustomServiceWhereInput>("id", input.cursor)] };
    const rows = await ctx.app.prisma.customService.findMany({ where, orderBy: { id: "asc" }, take: input.limit + 1 });
    const { page, nextCursor } = pageOf(rows, input.limit, (last) => encodeKeyCursor(last.id, last.id));
    return { customServices: page.map(customServiceView), nextCursor };
  }),

  delete: writeProcedure(z.strictObject({ customServiceId: idSchema })).mutation(({ ctx, input }) =>
    runMutation(ctx.mutation, "customService.deleted", async (tx) => {
      const row = await tx.customService.delete({ where: { id: input.customServiceId } });
      return { result: { deleted: true }, audit: { tenantId: row.tenantId, targetType: "customService", targetId: row.id, before: customServiceView(row) }, affected: await serversUsing(tx, row.id) };
    }),
  ),
});
