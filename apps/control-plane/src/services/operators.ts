// Operator accounts: created with a password (hashed here), listed by e-mail, disabled or given
// a new password (both end the operator's sessions). The router's builders decide who may act on
// whom; these are plain functions over a MutationContext.
import { GatehouseError } from "@gatehouse/core";
import { Prisma, type OperatorRole, type PrismaClient } from "@gatehouse/db";
import { hashPassword } from "../auth/passwords.ts";
import { afterKeyCursor, encodeKeyCursor, iso, keyOrder, pageOf, type PageRequest } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

const operatorFields = { id: true, email: true, name: true, role: true, tenantId: true, disabled: true, createdAt: true } as const satisfies Prisma.OperatorSelect;

type OperatorRow = Prisma.OperatorGetPayload<{ select: typeof operatorFields }>;

function operatorView(row: OperatorRow) {
  return { ...row, createdAt: iso(row.createdAt) };
}

export interface NewOperator {
  /** Normalised (auth/login.ts normaliseEmail). */
  email: string;
  name: string;
  password: string;
  role: OperatorRole;
  /** Absent for an MSP admin. */
  tenantId?: string | undefined;
}

/**
 * Sign-in is by e-mail alone, so an e-mail is unique fleet-wide. Whose it is (an MSP admin's,
 * another tenant's operator's, or one of the caller's own) is never said: every taken e-mail
 * gets this same answer, after the same password hashing as a free one.
 */
function refuseTakenEmail(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new GatehouseError("CONFLICT", "that e-mail cannot be used; choose another", { field: "email" });
  }
  throw error;
}

export async function createOperator(ctx: MutationContext, operator: NewOperator) {
  const passwordHash = await hashPassword(operator.password);
  return runMutation(ctx, "operator.created", async (tx) => {
    const created = await tx.operator
      .create({
        data: { email: operator.email, name: operator.name, role: operator.role, tenantId: operator.tenantId ?? null, passwordHash, createdAt: ctx.now() },
        select: operatorFields,
      })
      .catch(refuseTakenEmail);
    const view = operatorView(created);
    return { result: view, audit: { tenantId: created.tenantId, targetType: "operator", targetId: created.id, after: view }, affected: [] };
  });
}

/** A page of operators by e-mail: of `ownTenantId` when given (a tenant's operator), else of `tenantId`, else all. */
export async function listOperators(prisma: PrismaClient, ownTenantId: string | null, filter: PageRequest & { tenantId?: string | undefined }) {
  const where: Prisma.OperatorWhereInput = {
    ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
    ...(ownTenantId === null ? {} : { tenantId: ownTenantId }),
    ...afterKeyCursor<Prisma.OperatorWhereInput>("email", filter.cursor),
  };
  const rows = await prisma.operator.findMany({ where, select: operatorFields, orderBy: keyOrder("email"), take: filter.limit + 1 });
  const { page, nextCursor } = pageOf(rows, filter.limit, (last) => encodeKeyCursor(last.email, last.id));
  return { operators: page.map(operatorView), nextCursor };
}

/** Disabling ends the operator's sessions; their API tokens stop working while disabled. Never oneself (`byOperatorId`). */
export function setOperatorDisabled(ctx: MutationContext, byOperatorId: string, operatorId: string, disabled: boolean) {
  if (operatorId === byOperatorId) throw new GatehouseError("CONFLICT", "you cannot disable yourself", { field: "operatorId" });
  return runMutation(ctx, disabled ? "operator.disabled" : "operator.enabled", async (tx) => {
    const before = await tx.operator.findUniqueOrThrow({ where: { id: operatorId }, select: operatorFields });
    const after = await tx.operator.update({ where: { id: operatorId }, data: { disabled }, select: operatorFields });
    if (disabled) await tx.session.deleteMany({ where: { operatorId } });
    return { result: operatorView(after), audit: { tenantId: after.tenantId, targetType: "operator", targetId: after.id, before: { disabled: before.disabled }, after: { disabled: after.disabled } }, affected: [] };
  });
}

/** A new role (and tenant: none for an MSP admin); never one's own, so nobody locks themselves out. */
export function setOperatorRole(ctx: MutationContext, byOperatorId: string, operatorId: string, role: OperatorRole, tenantId: string | null) {
  if (operatorId === byOperatorId) throw new GatehouseError("CONFLICT", "you cannot change your own role", { field: "operatorId" });
  return runMutation(ctx, "operator.role_changed", async (tx) => {
    const before = await tx.operator.findUniqueOrThrow({ where: { id: operatorId }, select: operatorFields });
    const after = await tx.operator.update({ where: { id: operatorId }, data: { role, tenantId }, select: operatorFields });
    // Sessions and tokens act with the operator's current role on every call; nothing else to end.
    return {
      result: operatorView(after),
      audit: { tenantId: after.tenantId ?? before.tenantId, targetType: "operator", targetId: after.id, before: { role: before.role, tenantId: before.tenantId }, after: { role: after.role, tenantId: after.tenantId } },
      affected: [],
    };
  });
}

/** A new password (for an operator who forgot theirs); ends their sessions. */
export async function setOperatorPassword(ctx: MutationContext, operatorId: string, password: string) {
  const passwordHash = await hashPassword(password);
  return runMutation(ctx, "operator.password_set", async (tx) => {
    const operator = await tx.operator.update({ where: { id: operatorId }, data: { passwordHash }, select: operatorFields });
    await tx.session.deleteMany({ where: { operatorId } });
    return { result: operatorView(operator), audit: { tenantId: operator.tenantId, targetType: "operator", targetId: operator.id }, affected: [] };
  });
}
