// Signing in and out, who am I, and changing one's own password.
import { z } from "zod";
import { KNOWN_DEVICE_TTL_MS, login } from "../../auth/login.ts";
import { clearedSessionCookie, knownDeviceCookie, sessionCookie } from "../../http/credentials.ts";
import { changeOwnPassword, operatorProfile, signOut } from "../../services/account.ts";
import { iso } from "../../services/listing.ts";
import { noInput, passwordSchema } from "../inputs.ts";
import { createTRPCRouter, publicProcedure, selfProcedure } from "../trpc.ts";

export const authRouter = createTRPCRouter({
  login: publicProcedure(z.strictObject({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024) }))
    .mutation(async ({ ctx, input }) => {
      const { app } = ctx;
      const result = await login(app.prisma, app.loginPolicy, { ...input, address: ctx.clientAddress, deviceSecret: ctx.deviceSecret }, app.now());
      ctx.responseCookies.push(sessionCookie(result.token, Math.floor(app.loginPolicy.sessionTtlMs / 1000), ctx.secureCookies));
      ctx.responseCookies.push(knownDeviceCookie(result.deviceSecret, KNOWN_DEVICE_TTL_MS / 1000, ctx.secureCookies));
      return { token: result.token, expiresAt: iso(result.expiresAt), operator: await operatorProfile(app.prisma, result.operatorId) };
    }),

  logout: selfProcedure(noInput).mutation(async ({ ctx }) => {
    await signOut(ctx.app.prisma, ctx.actor);
    ctx.responseCookies.push(clearedSessionCookie(ctx.secureCookies));
    return { signedOut: true };
  }),

  /** The signed-in operator, or null. */
  me: publicProcedure(noInput).query(({ ctx }) => (ctx.actor === null ? null : operatorProfile(ctx.app.prisma, ctx.actor.operatorId))),

  changePassword: selfProcedure(z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      await changeOwnPassword(ctx.mutation, ctx.actor, input.currentPassword, input.newPassword);
      return { changed: true };
    }),
});
