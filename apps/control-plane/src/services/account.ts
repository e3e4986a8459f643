// The signed-in operator's own account: who they are, a new password of their own, signing out.
import { GatehouseError } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";
import type { Actor } from "../auth/authenticate.ts";
import { hashPassword, passwordMatches } from "../auth/passwords.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

/** What the console and the CLI show of the signed-in operator. */
export async function operatorProfile(prisma: PrismaClient, operatorId: string) {
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

/** Ends the session the actor signed in with (an API token has none to end). */
export async function signOut(prisma: PrismaClient, actor: Actor): Promise<void> {
  if (actor.via.kind === "session") await prisma.session.deleteMany({ where: { id: actor.via.sessionId } });
}

/** Needs the current password; every other session of the operator ends, this one stays signed in. */
export async function changeOwnPassword(ctx: MutationContext, actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
  const operator = await ctx.prisma.operator.findUniqueOrThrow({ where: { id: actor.operatorId }, select: { passwordHash: true } });
  if (!(await passwordMatches(operator.passwordHash, currentPassword))) {
    throw new GatehouseError("UNAUTHORIZED", "the current password is wrong", { field: "currentPassword" });
  }
  const passwordHash = await hashPassword(newPassword);
  await runMutation(ctx, "operator.password_changed", async (tx) => {
    await tx.operator.update({ where: { id: actor.operatorId }, data: { passwordHash } });
    const keep = actor.via.kind === "session" ? actor.via.sessionId : "";
    await tx.session.deleteMany({ where: { operatorId: actor.operatorId, id: { not: keep } } });
    return { result: null, audit: { tenantId: actor.tenantId, targetType: "operator", targetId: actor.operatorId }, affected: [] };
  });
}
