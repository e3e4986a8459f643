// Operator-defined services (one protocol, one port or range), usable in entries like the
// catalogue's. Fleet-wide ones (no tenant) are made by MSP admins and seen by everyone. A
// change reaches the servers whose entries name the service.
import { GatehouseError, entryScopeOf, type CustomServiceInput, type EntryScope } from "@gatehouse/core";
import { Prisma, type CustomService, type PrismaClient, type Tx } from "@gatehouse/db";
import { afterKeyCursor, encodeKeyCursor, iso, pageOf, type PageRequest } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

function customServiceView(row: CustomService) {
  return { id: row.id, name: row.name, protocol: row.protocol, portFrom: row.portFrom, portTo: row.portTo, tenantId: row.tenantId, createdAt: iso(row.createdAt) };
}

export interface NewCustomService extends CustomServiceInput {
  /** Absent for a fleet-wide service. */
  tenantId?: string | undefined;
}

function visibleTo(tenantId: string | undefined): Prisma.CustomServiceWhereInput {
  return tenantId === undefined ? {} : { OR: [{ tenantId: null }, { tenantId }] };
}

/** Fleet-wide custom services and those of `tenantId` (every tenant's when undefined), by id. */
export async function customServicesVisibleTo(prisma: PrismaClient, tenantId: string | undefined) {
  return (await prisma.customService.findMany({ where: visibleTo(tenantId), orderBy: { id: "asc" } })).map(customServiceView);
}

/** A page (by id) of what customServicesVisibleTo answers. */
export async function listCustomServices(prisma: PrismaClient, tenantId: string | undefined, request: PageRequest) {
  const where = { AND: [visibleTo(tenantId), afterKeyCursor<Prisma.CustomServiceWhereInput>("id", request.cursor)] };
  const rows = await prisma.customService.findMany({ where, orderBy: { id: "asc" }, take: request.limit + 1 });
  const { page, nextCursor } = pageOf(rows, request.limit, (last) => encodeKeyCursor(last.id, last.id));
  return { customServices: page.map(customServiceView), nextCursor };
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
async function serversUsing(tx: Tx, id: string): Promise<EntryScope[]> {
  const entries = await tx.allowEntry.findMany({ where: { services: { has: id } }, select: { scope: true, tenantId: true, groupName: true, serverId: true } });
  return entries.map(entryScopeOf);
}

export function createCustomService(ctx: MutationContext, service: NewCustomService) {
  return runMutation(ctx, "customService.created", async (tx) => {
    const { id, name, protocol, portFrom, portTo } = service;
    const row = await tx.customService.create({ data: { id, name, protocol, portFrom, portTo, tenantId: service.tenantId ?? null, createdAt: ctx.now() } }).catch(refuseTakenId);
    const view = customServiceView(row);
    return { result: view, audit: { tenantId: row.tenantId, targetType: "customService", targetId: row.id, after: view }, affected: await serversUsing(tx, row.id) };
  });
}

export function deleteCustomService(ctx: MutationContext, customServiceId: string) {
  return runMutation(ctx, "customService.deleted", async (tx) => {
    const row = await tx.customService.delete({ where: { id: customServiceId } });
    return { result: { deleted: true }, audit: { tenantId: row.tenantId, targetType: "customService", targetId: row.id, before: customServiceView(row) }, affected: await serversUsing(tx, row.id) };
  });
}
