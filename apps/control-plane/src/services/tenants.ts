// Tenants (the MSP's customers): created, renamed and deleted by MSP admins (the router's
// builder decides who), listed by name. Plain functions over a MutationContext.
import { GatehouseError } from "@gatehouse/core";
import type { Prisma, PrismaClient, Tx } from "@gatehouse/db";
import { afterKeyCursor, encodeKeyCursor, iso, keyOrder, pageOf, type PageRequest } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

const tenantFields = {
  id: true,
  name: true,
  createdAt: true,
  _count: { select: { servers: true, operators: true, travelers: true, allowEntries: true, customServices: true, presetEnables: true } },
} as const satisfies Prisma.TenantSelect;

type TenantRow = Prisma.TenantGetPayload<{ select: typeof tenantFields }>;

/**
 * A tenant with what it holds: `servers` must be deleted before the tenant can be; everything
 * else (operators, travelers, entries, custom services, preset switches) is deleted with it.
 */
function tenantView(row: TenantRow) {
  const counts = row._count;
  return {
    id: row.id,
    name: row.name,
    createdAt: iso(row.createdAt),
    servers: counts.servers,
    operators: counts.operators,
    travelers: counts.travelers,
    entries: counts.allowEntries,
    customServices: counts.customServices,
    presetSwitches: counts.presetEnables,
  };
}

export type TenantView = ReturnType<typeof tenantView>;

/** Refuses a name another tenant has (any case: "Acme" and "acme" would be told apart by no one). */
async function ensureNameFree(tx: Tx, name: string, exceptId?: string): Promise<void> {
  const taken = await tx.tenant.findFirst({ where: { name: { equals: name, mode: "insensitive" }, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { name: true } });
  if (taken) throw new GatehouseError("CONFLICT", `a tenant named ${taken.name} already exists`, { field: "name" });
}

export function createTenant(ctx: MutationContext, name: string): Promise<TenantView> {
  return runMutation(ctx, "tenant.created", async (tx) => {
    await ensureNameFree(tx, name);
    const tenant = tenantView(await tx.tenant.create({ data: { name, createdAt: ctx.now() }, select: tenantFields }));
    return { result: tenant, audit: { tenantId: tenant.id, targetType: "tenant", targetId: tenant.id, after: { name: tenant.name } }, affected: [] };
  });
}

/** A page of tenants by name: only `ownTenantId` when given (a tenant's operator), else every tenant. */
export async function listTenants(prisma: PrismaClient, ownTenantId: string | null, request: PageRequest) {
  const own: Prisma.TenantWhereInput = ownTenantId === null ? {} : { id: ownTenantId };
  const where: Prisma.TenantWhereInput = { AND: [own, afterKeyCursor<Prisma.TenantWhereInput>("name", request.cursor)] };
  const rows = await prisma.tenant.findMany({ where, select: tenantFields, orderBy: keyOrder("name"), take: request.limit + 1 });
  const { page, nextCursor } = pageOf(rows, request.limit, (last) => encodeKeyCursor(last.name, last.id));
  return { tenants: page.map(tenantView), nextCursor };
}

export function renameTenant(ctx: MutationContext, tenantId: string, name: string): Promise<TenantView> {
  return runMutation(ctx, "tenant.renamed", async (tx) => {
    const before = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true } });
    await ensureNameFree(tx, name, tenantId);
    const tenant = tenantView(await tx.tenant.update({ where: { id: tenantId }, data: { name }, select: tenantFields }));
    return { result: tenant, audit: { tenantId: tenant.id, targetType: "tenant", targetId: tenant.id, before, after: { name: tenant.name } }, affected: [] };
  });
}

/**
 * Only a tenant without servers: each server has an agent enforcing its rules, and deleting one
 * is its own decision (servers.delete disconnects the agent). With no server left, nothing the
 * tenant holds reaches a firewall: its operators (their sessions and API tokens), travelers,
 * entries, custom services and preset switches go with it; the audit log keeps its events.
 */
export function deleteTenant(ctx: MutationContext, tenantId: string) {
  return runMutation(ctx, "tenant.deleted", async (tx) => {
    const tenant = tenantView(await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: tenantFields }));
    if (tenant.servers > 0) {
      throw new GatehouseError("CONFLICT", `tenant ${tenant.name} still has ${counted(tenant.servers, "server")}; delete them first (their agents are disconnected and keep their last rules)`);
    }
    await tx.tenant.delete({ where: { id: tenantId } });
    const { operators, travelers, entries, customServices, presetSwitches } = tenant;
    const removed = { operators, travelers, entries, customServices, presetSwitches };
    return { result: { deleted: true, name: tenant.name, removed }, audit: { tenantId: tenant.id, targetType: "tenant", targetId: tenant.id, before: tenant }, affected: [] };
  });
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
