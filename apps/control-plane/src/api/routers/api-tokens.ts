// API tokens for scripts and the CLI: each acts as the operator who created it. The secret is
// returned once by create; only its SHA-256 is stored. Tokens are personal: an operator lists
// and revokes their own (disabling an operator stops all of theirs at once).
import { z } from "zod";
import { createApiToken, listApiTokens, revokeApiToken } from "../../services/api-tokens.ts";
import { idSchema, instantSchema, LIST_PAGE_DEFAULT, listPageSchema, nameSchema } from "../inputs.ts";
import { createTRPCRouter, selfProcedure } from "../trpc.ts";

export const apiTokensRouter = createTRPCRouter({
  create: selfProcedure(z.strictObject({ name: nameSchema, expiresAt: instantSchema.optional() })).mutation(({ ctx, input }) =>
    createApiToken(ctx.mutation, ctx.actor, input.name, input.expiresAt),
  ),

  /** A page of the caller's own tokens, newest first (at most LIST_PAGE_MAX); follow `nextCursor`. */
  list: selfProcedure(listPageSchema.default(LIST_PAGE_DEFAULT)).query(({ ctx, input }) => listApiTokens(ctx.app.prisma, ctx.actor.operatorId, input)),

  revoke: selfProcedure(z.strictObject({ tokenId: idSchema })).mutation(({ ctx, input }) => revokeApiToken(ctx.mutation, ctx.actor, input.tokenId)),
});
