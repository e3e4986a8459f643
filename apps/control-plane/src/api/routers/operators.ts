// Operator accounts. An MSP admin manages everyone; a tenant admin manages the tenant admins
// and viewers of their own tenant (the access middleware keeps them there; an MSP admin has
// no tenant, so a tenant admin can neither create, invite nor name one). New operators are
// invited by e-mail and choose their own password through a single-use link
// (services/invites.ts); the link's two public procedures need nothing but its token.
import { z } from "zod";
import { normaliseEmail } from "../../auth/login.ts";
import { acceptInvite, createInvite, inspectInvite, listInvites, revokeInvite } from "../../services/invites.ts";
import { createOperator, listOperators, setOperatorDisabled, setOperatorPassword, setOperatorRole } from "../../services/operators.ts";
import { idSchema, LIST_PAGE_DEFAULT, listPageSchema, nameSchema, passwordSchema } from "../inputs.ts";
import { createTRPCRouter, publicProcedure, readProcedure, writeProcedure } from "../trpc.ts";

const roleSchema = z.enum(["MSP_ADMIN", "TENANT_ADMIN", "VIEWER"]);
const emailSchema = z.email("give a valid e-mail address").max(254).transform(normaliseEmail);
/** An invitation link's token (auth/secrets.ts newSecret: 43 base64url characters). */
const inviteTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "this invitation link is not valid");

const roleInTenant = <T extends { role: string; tenantId?: string | undefined }>(input: T) => (input.role === "MSP_ADMIN") === (input.tenantId === undefined);
const roleInTenantMessage = { message: "an MSP admin has no tenant; a tenant admin or viewer needs one", path: ["tenantId"] };
const isMspAdminRole = (input: { role: string }) => input.role === "MSP_ADMIN";

const createInput = z
  .strictObject({ email: emailSchema, name: nameSchema, password: passwordSchema, role: roleSchema, tenantId: idSchema.optional() })
  .refine(roleInTenant, roleInTenantMessage);

const inviteInput = z.strictObject({ email: emailSchema, name: nameSchema, role: roleSchema, tenantId: idSchema.optional() }).refine(roleInTenant, roleInTenantMessage);

const roleInput = z.strictObject({ operatorId: idSchema, role: roleSchema, tenantId: idSchema.optional() }).refine(roleInTenant, roleInTenantMessage);

const tenantPage = listPageSchema.extend({ tenantId: idSchema.optional() }).default(LIST_PAGE_DEFAULT);

export const operatorsRouter = createTRPCRouter({
  create: writeProcedure(createInput, { fleetLevel: isMspAdminRole }).mutation(({ ctx, input }) => createOperator(ctx.mutation, input)),

  /** A page of operators by e-mail (at most LIST_PAGE_MAX); follow `nextCursor` for the rest. */
  list: readProcedure(tenantPage).query(({ ctx, input }) => listOperators(ctx.app.prisma, ctx.access.tenantId, input)),

  /** Disabling ends the operator's sessions; their API tokens stop working while disabled. */
  setDisabled: writeProcedure(z.strictObject({ operatorId: idSchema, disabled: z.boolean().default(true) })).mutation(({ ctx, input }) =>
    setOperatorDisabled(ctx.mutation, ctx.actor.operatorId, input.operatorId, input.disabled),
  ),

  /** A new role, and the tenant it is in (none for an MSP admin); never one's own. */
  setRole: writeProcedure(roleInput, { fleetLevel: isMspAdminRole }).mutation(({ ctx, input }) =>
    setOperatorRole(ctx.mutation, ctx.actor.operatorId, input.operatorId, input.role, input.tenantId ?? null),
  ),

  /** Sets a new password (for an operator who forgot theirs) and ends their sessions. */
  setPassword: writeProcedure(z.strictObject({ operatorId: idSchema, password: passwordSchema })).mutation(({ ctx, input }) =>
    setOperatorPassword(ctx.mutation, input.operatorId, input.password),
  ),

  /** Mails a single-use link; the same answer whether or not the address already has an account. */
  invite: writeProcedure(inviteInput, { fleetLevel: isMspAdminRole }).mutation(({ ctx, input }) => createInvite(ctx.mutation, ctx.app.travelers, ctx.actor, input)),

  /** A page of invitations, newest first, with their status. */
  invites: readProcedure(tenantPage).query(({ ctx, input }) => listInvites(ctx.app.prisma, ctx.app.now(), ctx.access.tenantId, input)),

  revokeInvite: writeProcedure(z.strictObject({ inviteId: idSchema })).mutation(({ ctx, input }) => revokeInvite(ctx.mutation, input.inviteId)),

  /** Public: what an invitation link offers (who, which role), or why it cannot be used. */
  inviteInfo: publicProcedure(z.strictObject({ token: inviteTokenSchema })).query(({ ctx, input }) => inspectInvite(ctx.app.prisma, ctx.app.now(), input.token)),

  /** Public: use an invitation link once, choosing the new operator's password. */
  acceptInvite: publicProcedure(z.strictObject({ token: inviteTokenSchema, password: passwordSchema })).mutation(({ ctx, input }) =>
    acceptInvite({ prisma: ctx.app.prisma, bus: ctx.app.bus, now: ctx.app.now }, input.token, input.password),
  ),
});
