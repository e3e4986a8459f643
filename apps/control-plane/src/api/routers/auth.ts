// Signing in and out, who am I, and changing one's own password.
import { z } from "zod";
import { GatehouseError } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";
import { KNOWN_DEVICE_TTL_MS, login } from "../../auth/login.ts";
import { hashPassword, MIN_PASSWORD_LENGTH, passwordMatches } from "../../auth/passwords.ts";
import { clearedSessionCookie, knownDeviceCookie, sessionCookie } from "../../http/credentials.ts";
import { runMutation } from "../../services/mutation.ts";
import { iso, noInput } from "../inputs.ts";
import { createTRPCRouter, publicProcedure, selfProcedure } from "../trpc.ts";

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `a password needs at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, "a password has at most 1024 characters");

export const authRouter = createTRPCRouter({
  login: publicProcedure(z.strictObject({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024) }))
    .mutation(async ({ ctx, input }) => {
      const { app } = ctx;
      const result = await login(app.prisma, app.loginPolicy, { ...input, address: ctx.clientAddress, deviceSecret: ctx.deviceSecret }, app.now());
      ctx.responseCookies.push(sessionCookie(result.token, Math.floor(app.loginPolicy.sessionTtlMs / 1000), ctx.secureCookies));
      ctx.responseCookies.push(knownDeviceCookie(result.deviceSecret, KNOWN_DEVICE_TTL_MS / 1000, ctx.secureCookies));
      return { token: result.token, expiresAt: iso(result.expiresAt), operator: await me(ctx.app.prisma, result.operatorId) };
    }),

  logout: selfProcedure(noInput).mutation(async ({ ctx }) => {
    if (ctx.actor.via.kind === "session") await ctx.app.prisma.session.deleteMany({ where: { id: ctx.actor.via.sessionId } });
    ctx.responseCookies.push(clearedSessionCookie(ctx.secureCookies));
    return { signedOut: true };
  }),

  /** The signed-in operator, or null. */
  me: publicProcedure(noInput).query(({ ctx }) => (ctx.actor === null ? null : me(ctx.app.prisma, ctx.actor.operatorId))),

  changePassword: selfProcedure(z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const { actor } = ctx;
      const operator = await ctx.app.prisma.operator.findUniqueOrThrow({ where: { id: actor.operatorId }, select: { passwordHash: true } });
      if (!(await passwordMatches(operator.passwordHash, input.currentPassword))) {
        throw new GatehouseError("UNAUTHORIZED", "the current password is wrong", { field: "currentPassword" });
      }
      const passwordHash = await hashPassword(input.newPassword);
      await runMutation(ctx.mutation, "operator.password_changed", async (tx) => {
        await tx.operator.update({ where: { id: actor.operatorId }, data: { passwordHash } });
        // Every other session of this operator ends; this one stays signed in.
        const keep = actor.via.kind === "session" ? actor.via.sessionId : "";
        await tx.session.deleteMany({ where: { operatorId: actor.operatorId, id: { not: keep } } });
        return { result: null, audit: { tenantId: actor.tenantId, targetType: "operator", targetId: actor.operatorId }, affected: [] };
      });
      return { changed: true };
    }),
});

async function me(prisma: PrismaClient, operatorId: string) {
  const operator = await prisma.operator.findUniqueOrThrow({
    where: { id: operatorId },
    select: { id: true, email: true, name: true, role: true, tenantId: true, tenant: { select: { name: true } } },
  });
  return {
    id: operator.id,
    email: operator.email,
    name: operator.name,
    role: operator.role,
    tenantId: operator.tenantId,
    tenantName: operator.tenant?.name ?? null,
  };
}
