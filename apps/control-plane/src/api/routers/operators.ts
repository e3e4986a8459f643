// Operator accounts. An MSP admin manages everyone; a tenant admin manages the tenant admins
// and viewers of their own tenant (the access middleware keeps them there; an MSP admin has
// no tenant, so a tenant admin can neither create nor name one).
import { z } from "zod";
import { normaliseEmail } from "../../auth/login.ts";
import { createOperator, listOperators, setOperatorDisabled, setOperatorPassword } from "../../services/operators.ts";
import { idSchema, LIST_PAGE_DEFAULT, listPageSchema, nameSchema, passwordSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";

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

export const operatorsRouter = createTRPCRouter({
  create: writeProcedure(createInput, { fleetLevel: (input) => input.role === "MSP_ADMIN" }).mutation(({ ctx, input }) => createOperator(ctx.mutation, input)),

  /** A page of operators by e-mail (at most LIST_PAGE_MAX); follow `nextCursor` for the rest. */
  list: readProcedure(listPageSchema.extend({ tenantId: idSchema.optional() }).default(LIST_PAGE_DEFAULT)).query(({ ctx, input }) =>
    listOperators(ctx.app.prisma, ctx.access.tenantId, input),
  ),

  /** Disabling ends the operator's sessions; their API tokens stop working while disabled. */
  setDisabled: writeProcedure(z.strictObject({ operatorId: idSchema, disabled: z.boolean().default(true) })).mutation(({ ctx, input }) =>
    setOperatorDisabled(ctx.mutation, ctx.actor.operatorId, input.operatorId, input.disabled),
  ),

  /** Sets a new password (for an operator who forgot theirs) and ends their sessions. */
  setPassword: writeProcedure(z.strictObject({ operatorId: idSchema, password: passwordSchema })).mutation(({ ctx, input }) =>
    setOperatorPassword(ctx.mutation, input.operatorId, input.password),
  ),
});
