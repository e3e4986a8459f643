// API tokens for scripts and the CLI: each acts as the operator who created it. The secret is
// returned once by create; only its SHA-256 is stored. Tokens are personal: an operator lists
// and revokes their own (disabling an operator stops all of theirs at once).
import { z } from "zod";
import { GatehouseError, sha256Hex } from "@gatehouse/core";
import { apiTokenDisplayPrefix, newApiToken } from "../../auth/secrets.ts";
import { runMutation } from "../../services/mutation.ts";
import type { Prisma } from "@gatehouse/db";
import { afterCursor, encodeCursor, idSchema, instantSchema, iso, nameSchema } from "../inputs.ts";
import { LIST_PAGE_DEFAULT, listPageSchema, pageOf } from "../list-page.ts";
import { createTRPCRouter, selfProcedure } from "../trpc.ts";

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const tokenFields = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true } as const;

function tokenView(row: TokenRow) {
  return { ...row, createdAt: iso(row.createdAt), lastUsedAt: iso(row.lastUsedAt), expiresAt: iso(row.expiresAt), revokedAt: iso(row.revokedAt) };
}

export const apiTokensRouter = createTRPCRouter({
  create: selfProcedure(z.strictObject({ name: nameSchema, expiresAt: instantSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.app.now();
      if (input.expiresAt !== undefined && input.expiresAt <= now) {
        throw new GatehouseError("BAD_INPUT", "the expiry must be in the future", { field: "expiresAt" });
      }
      const token = newApiToken();
      const row = await runMutation(ctx.mutation, "apiToken.created", async (tx) => {
        const created = await tx.apiToken.create({
          data: { operatorId: ctx.actor.operatorId, name: input.name, prefix: apiTokenDisplayPrefix(token), tokenHash: sha256Hex(token), createdAt: now, expiresAt: input.expiresAt ?? null },
          select: tokenFields,
        });
        return { result: created, audit: { tenantId: ctx.actor.tenantId, targetType: "apiToken", targetId: created.id, after: tokenView(created) }, affected: [] };
      });
      return { ...tokenView(row), token };
    }),

  /** A page of the caller's own tokens, newest first (at most LIST_PAGE_MAX); follow `nextCursor`. */
  list: selfProcedure(listPageSchema.default(LIST_PAGE_DEFAULT)).query(async ({ ctx, input }) => {
    const where: Prisma.ApiTokenWhereInput = { operatorId: ctx.actor.operatorId, ...(afterCursor("createdAt", input.cursor) as Prisma.ApiTokenWhereInput) };
    const rows = await ctx.app.prisma.apiToken.findMany({ where, select: tokenFields, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: input.limit + 1 });
    const { page, nextCursor } = pageOf(rows, input.limit, (last) => encodeCursor(last.createdAt, last.id));
    return { tokens: page.map(tokenView), nextCursor };
  }),

  revoke: selfProcedure(z.strictObject({ tokenId: idSchema })).mutation(async ({ ctx, input }) => {
    const row = await runMutation(ctx.mutation, "apiToken.revoked", async (tx) => {
      const before = await tx.apiToken.findFirst({ where: { id: input.tokenId, operatorId: ctx.actor.operatorId }, select: tokenFields });
      if (before === null) throw new GatehouseError("NOT_FOUND", `API token ${input.tokenId} not found`, { field: "tokenId" });
      const after = await tx.apiToken.update({ where: { id: before.id }, data: { revokedAt: before.revokedAt ?? ctx.app.now() }, select: tokenFields });
      return { result: after, audit: { tenantId: ctx.actor.tenantId, targetType: "apiToken", targetId: after.id, before: tokenView(before), after: tokenView(after) }, affected: [] };
    });
    return tokenView(row);
  }),
});
