// API tokens for scripts and the CLI: each acts as the operator who created it. The secret is
// returned once by createApiToken; only its SHA-256 is stored. Tokens are personal: an operator
// lists and revokes their own.
import { GatehouseError, sha256Hex } from "@gatehouse/core";
import type { Prisma, PrismaClient } from "@gatehouse/db";
import type { Actor } from "../auth/authenticate.ts";
import { apiTokenDisplayPrefix, newApiToken } from "../auth/secrets.ts";
import { afterCursor, encodeCursor, iso, pageOf, timeOrder, type PageRequest } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

const tokenFields = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true } as const satisfies Prisma.ApiTokenSelect;

type TokenRow = Prisma.ApiTokenGetPayload<{ select: typeof tokenFields }>;

function tokenView(row: TokenRow) {
  return { ...row, createdAt: iso(row.createdAt), lastUsedAt: iso(row.lastUsedAt), expiresAt: iso(row.expiresAt), revokedAt: iso(row.revokedAt) };
}

/** A new token of the actor's, with its secret (shown this once). */
export async function createApiToken(ctx: MutationContext, actor: Actor, name: string, expiresAt: Date | undefined) {
  const now = ctx.now();
  if (expiresAt !== undefined && expiresAt <= now) {
    throw new GatehouseError("BAD_INPUT", "the expiry must be in the future", { field: "expiresAt" });
  }
  const token = newApiToken();
  const row = await runMutation(ctx, "apiToken.created", async (tx) => {
    const created = await tx.apiToken.create({
      data: { operatorId: actor.operatorId, name, prefix: apiTokenDisplayPrefix(token), tokenHash: sha256Hex(token), createdAt: now, expiresAt: expiresAt ?? null },
      select: tokenFields,
    });
    return { result: created, audit: { tenantId: actor.tenantId, targetType: "apiToken", targetId: created.id, after: tokenView(created) }, affected: [] };
  });
  return { ...tokenView(row), token };
}

/** A page of the operator's own tokens, newest first. */
export async function listApiTokens(prisma: PrismaClient, operatorId: string, request: PageRequest) {
  const where: Prisma.ApiTokenWhereInput = { operatorId, ...afterCursor<Prisma.ApiTokenWhereInput>("createdAt", request.cursor) };
  const rows = await prisma.apiToken.findMany({ where, select: tokenFields, orderBy: timeOrder("createdAt"), take: request.limit + 1 });
  const { page, nextCursor } = pageOf(rows, request.limit, (last) => encodeCursor(last.createdAt, last.id));
  return { tokens: page.map(tokenView), nextCursor };
}

/** Only the actor's own token; another operator's is not found. */
export async function revokeApiToken(ctx: MutationContext, actor: Actor, tokenId: string) {
  const row = await runMutation(ctx, "apiToken.revoked", async (tx) => {
    const before = await tx.apiToken.findFirst({ where: { id: tokenId, operatorId: actor.operatorId }, select: tokenFields });
    if (before === null) throw new GatehouseError("NOT_FOUND", `API token ${tokenId} not found`, { field: "tokenId" });
    const after = await tx.apiToken.update({ where: { id: before.id }, data: { revokedAt: before.revokedAt ?? ctx.now() }, select: tokenFields });
    return { result: after, audit: { tenantId: actor.tenantId, targetType: "apiToken", targetId: after.id, before: tokenView(before), after: tokenView(after) }, affected: [] };
  });
  return tokenView(row);
}
