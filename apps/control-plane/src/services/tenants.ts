// Tenants (the MSP's customers): created, renamed and deleted by MSP admins (the router's
// builder decides who), listed by name. Plain functions over a MutationContext.
import { GatehouseError } from "@gatehouse/core";
import type { Prisma, PrismaClient } from "@gatehouse/db";
import { afterKeyCursor, encodeKeyCursor, iso, keyOrder, pageOf, type PageRequest } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

const tenantFields = { id: true, name: true, createdAt: true, _count: { select: { servers: true, operators: true, travelers: true } } } as const satisfies Prisma.TenantSelect;

type TenantRow = Prisma.TenantGetPayload<{ select: typeof tenantFields }>;

function tenantView(row: TenantRow) {
  return { id: row.id, name: row.name, createdAt: iso(row.createdAt), servers: row._count.servers, operators: row._count.operators, travelers: row._count.travelers };
}

export type TenantView = ReturnType<typeof tenantView>;

export function createTenant(ctx: MutationContext, name: string): Promise<TenantView> {
  return runMutation(ctx, "tenant.created", async (tx) => {
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
    const tenant = tenantView(await tx.tenant.update({ where: { id: tenantId }, data: { name }, select: tenantFields }));
    return { result: tenant, audit: { tenantId: tenant.id, targetType: "tenant", targetId: tenant.id, before, after: { name: tenant.name } }, affected: [] };
  });
}

/** Only an empty tenant: servers, operators and travelers must be removed first. */
export function deleteTenant(ctx: MutationContext, tenantId: string) {
  return runMutation(ctx, "tenant.deleted", async (tx) => {
    const tenant = tenantView(await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: tenantFields }));
    const left = [`${tenant.servers} server(s)`, `${tenant.operators} operator(s)`, `${tenant.travelers} traveler(s)`].filter((text) => !text.startsWith("0 "));
    if (left.length > 0) throw new GatehouseError("CONFLICT", `tenant ${tenant.name} still has ${left.join(", ")}; remove them first`);
    await tx.tenant.delete({ where: { id: tenantId } });
    return { result: { deleted: true }, audit: { tenantId: tenant.id, targetType: "tenant", targetId: tenant.id, before: tenant }, affected: [] };
  });
}
