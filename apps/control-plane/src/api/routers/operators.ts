// Operator accounts. An MSP admin manages everyone; a tenant admin manages the tenant admins
// and viewers of their own tenant (the access middleware keeps them there; an MSP admin has
// no tenant, so a tenant admin can neither create nor name one).
import { z } from "zod";
import { GatehouseError } from "@gatehouse/core";
import { Prisma, type OperatorRole } from "@gatehouse/db";
import { normaliseEmail } from "../../auth/login.ts";
import { hashPassword } from "../../auth/passwords.ts";
import { runMutation } from "../../services/mutation.ts";
import { idSchema, iso, nameSchema } from "../inputs.ts";
import { afterKeyCursor, encodeKeyCursor, keyOrder, LIST_PAGE_DEFAULT, listPageSchema, pageOf } from "../list-page.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";
import { passwordSchema } from "./auth.ts";

const operatorFields = { id: true, email: true, name: true, role: true, tenantId: true, disabled: true, createdAt: true } as const;

function operatorView(row: { id: string; email: string; name: string; role: OperatorRole; tenantId: string | null; disabled: boolean; createdAt: Date }) {
  return { ...row, createdAt: iso(row.createdAt) };
}

const createInput = z
  .strictObject({
    email: z.email("give a valid e-mail address").max(254).transform(normaliseEmail),
    name: nameSchema,
    password: passwordSchema,
    role: z.enum(["MSP_ADMIN", "TENANT_ADMIN", "VIEWER"]),
    tenantId: idSchema.optional(),
  })
  .refine((input) => (input.role === "MSP_ADMIN") === (input.tenantId === undefined), {
    message: "an MSP admin has no tenant; a tenant admin or viewer needs one",
    path: ["tenantId"],
  });

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

export const operatorsRouter = createTRPCRouter({
  create: writeProcedure(createInput, { fleetLevel: (input) => input.role === "MSP_ADMIN" }).mutation(async ({ ctx, input }) => {
    const passwordHash = await hashPassword(input.password);
    return runMutation(ctx.mutation, "operator.created", async (tx) => {
      const created = await tx.operator
        .create({
          data: { email: input.email, name: input.name, role: input.role, tenantId: input.tenantId ?? null, passwordHash, createdAt: ctx.app.now() },
          select: operatorFields,
        })
        .catch(refuseTakenEmail);
      const view = operatorView(created);
      return { result: view, audit: { tenantId: created.tenantId, targetType: "operator", targetId: created.id, after: view }, affected: [] };
    });
  }),

  /** A page of operators by e-mail (at most LIST_PAGE_MAX); follow `nextCursor` for the rest. */
  list: readProcedure(listPageSchema.extend({ tenantId: idSchema.optional() }).default(LIST_PAGE_DEFAULT)).query(async ({ ctx, input }) => {
    const where: Prisma.OperatorWhereInput = { ...(input.tenantId ? { tenantId: input.tenantId } : {}), ...ctx.access.ownTenant(), ...afterKeyCursor<Prisma.OperatorWhereInput>("email", input.cursor) };
    const rows = await ctx.app.prisma.operator.findMany({ where, select: operatorFields, orderBy: keyOrder("email"), take: input.limit + 1 });
    const { page, nextCursor } = pageOf(rows, input.limit, (last) => encodeKeyCursor(last.email, last.id));
    return { operators: page.map(operatorView), nextCursor };
  }),

  /** Disabling ends the operator's sessions; their API tokens stop working while disabled. */
  setDisabled: writeProcedure(z.strictObject({ operatorId: idSchema, disabled: z.boolean().default(true) })).mutation(({ ctx, input }) => {
    if (input.operatorId === ctx.actor.operatorId) throw new GatehouseError("CONFLICT", "you cannot disable yourself", { field: "operatorId" });
    return runMutation(ctx.mutation, input.disabled ? "operator.disabled" : "operator.enabled", async (tx) => {
      const before = await tx.operator.findUniqueOrThrow({ where: { id: input.operatorId }, select: operatorFields });
      const after = await tx.operator.update({ where: { id: input.operatorId }, data: { disabled: input.disabled }, select: operatorFields });
      if (input.disabled) await tx.session.deleteMany({ where: { operatorId: input.operatorId } });
      return { result: operatorView(after), audit: { tenantId: after.tenantId, targetType: "operator", targetId: after.id, before: { disabled: before.disabled }, after: { disabled: after.disabled } }, affected: [] };
    });
  }),

  /** Sets a new password (for an operator who forgot theirs) and ends their sessions. */
  setPassword: writeProcedure(z.strictObject({ operatorId: idSchema, password: passwordSchema })).mutation(async ({ ctx, input }) => {
    const passwordHash = await hashPassword(input.password);
    return runMutation(ctx.mutation, "operator.password_set", async (tx) => {
      const operator = await tx.operator.update({ where: { id: input.operatorId }, data: { passwordHash }, select: operatorFields });
      await tx.session.deleteMany({ where: { operatorId: input.operatorId } });
      return { result: operatorView(operator), audit: { tenantId: operator.tenantId, targetType: "operator", targetId: operator.id }, affected: [] };
    });
  }),
});
