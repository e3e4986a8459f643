// Operator invitations: an admin invites an e-mail address to a role (and tenant); the person
// gets a single-use link by mail and chooses their own password there, and only then does the
// Operator exist. The link's token is 256 random bits and only its SHA-256 is stored. A link
// works once (claimed by a conditional update in the transaction that creates the operator),
// until it expires, while not revoked, and while its inviter is enabled and still allowed to
// invite to that role and tenant. An address that already has an account is invited like any
// other (same answer, same row, a mail without a link), so an invite never tells whether an
// address is taken.
import { randomUUID } from "node:crypto";
import { GatehouseError, sha256Hex } from "@gatehouse/core";
import { Prisma, type OperatorRole, type PrismaClient } from "@gatehouse/db";
import { writeAuditEvents } from "../audit-writer.ts";
import type { Actor } from "../auth/authenticate.ts";
import { hashPassword } from "../auth/passwords.ts";
import { newSecret } from "../auth/secrets.ts";
import { deliverWithRetry, type Mailer, type RetryPolicy } from "../mail/index.ts";
import { alreadyAnOperatorMail, inviteMail, type InviteMailInput } from "./invite-mail.ts";
import { afterCursor, encodeCursor, iso, pageOf, timeOrder, type PageRequest } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

const INVITE_LIFETIME_MS = 72 * 3_600_000;
/** The console's page for an invitation link; the token rides in the fragment, which no server logs. */
const INVITE_ROUTE = "#/invite/";

/** What sending an invitation needs (the travelers service's mailer is the control plane's). */
export interface InviteMailer {
  mailer: Mailer;
  mailRetry: RetryPolicy;
  publicUrl: () => string;
  timeZone: string;
}

export interface NewInvite {
  /** Normalised (auth/login.ts normaliseEmail). */
  email: string;
  name: string;
  role: OperatorRole;
  tenantId?: string | undefined;
}

interface Inviter {
  role: OperatorRole;
  tenantId: string | null;
  disabled: boolean;
}

/** Whether `inviter` may (still) bring someone in with this role and tenant. */
function inviterMayGrant(inviter: Inviter, invite: { role: OperatorRole; tenantId: string | null }): boolean {
  if (inviter.disabled) return false;
  if (inviter.role === "MSP_ADMIN") return true;
  return inviter.role === "TENANT_ADMIN" && invite.role !== "MSP_ADMIN" && invite.tenantId !== null && invite.tenantId === inviter.tenantId;
}

const inviteFields = {
  id: true,
  email: true,
  name: true,
  role: true,
  tenantId: true,
  createdAt: true,
  expiresAt: true,
  acceptedAt: true,
  revokedAt: true,
  tenant: { select: { name: true } },
  invitedBy: { select: { role: true, tenantId: true, disabled: true } },
} as const satisfies Prisma.OperatorInviteSelect;

type InviteRow = Prisma.OperatorInviteGetPayload<{ select: typeof inviteFields }>;

type InviteStatus = "pending" | "accepted" | "expired" | "revoked";

function inviteStatus(row: InviteRow, now: Date): InviteStatus {
  if (row.acceptedAt !== null) return "accepted";
  if (row.revokedAt !== null || !inviterMayGrant(row.invitedBy, row)) return "revoked";
  return row.expiresAt <= now ? "expired" : "pending";
}

function inviteView(row: InviteRow, now: Date) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    tenantId: row.tenantId,
    tenantName: row.tenant?.name ?? null,
    status: inviteStatus(row, now),
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    acceptedAt: iso(row.acceptedAt),
    revokedAt: iso(row.revokedAt),
  };
}

/** Records the invitation and mails it; `mailed` says whether the mail server took the mail. */
export async function createInvite(ctx: MutationContext, mail: InviteMailer, inviter: Actor, invite: NewInvite) {
  const token = newSecret();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + INVITE_LIFETIME_MS);
  const row = await runMutation(ctx, "operator.invited", async (tx) => {
    const created = await tx.operatorInvite.create({
      data: { email: invite.email, name: invite.name, role: invite.role, tenantId: invite.tenantId ?? null, invitedById: inviter.operatorId, tokenHash: sha256Hex(token), createdAt: now, expiresAt },
      select: inviteFields,
    });
    const view = inviteView(created, now);
    return { result: created, audit: { tenantId: created.tenantId, targetType: "operatorInvite", targetId: created.id, after: view }, affected: [] };
  });
  const taken = (await ctx.prisma.operator.count({ where: { email: invite.email } })) > 0;
  const words: InviteMailInput = { to: row.email, name: row.name, inviterName: inviter.name || inviter.email, role: row.role, tenantName: row.tenant?.name ?? null, expiresAt, timeZone: mail.timeZone };
  const message = taken ? alreadyAnOperatorMail(words) : inviteMail(words, `${mail.publicUrl().replace(/\/+$/, "")}/${INVITE_ROUTE}${token}`);
  const delivery = await deliverWithRetry(mail.mailer, message, { ...mail.mailRetry, attempts: Math.min(2, mail.mailRetry.attempts) });
  if (!delivery.delivered) {
    await writeAuditEvents(ctx.prisma, [{ at: ctx.now(), actor: "system", action: "mail.failed", tenantId: row.tenantId, targetType: "operatorInvite", targetId: row.id, after: { purpose: "operator invite", error: delivery.error } }]);
  }
  return { ...inviteView(row, now), mailed: delivery.delivered };
}

/** A page of invitations, newest first: of `ownTenantId` when given (a tenant's operator), else of `tenantId`, else all. */
export async function listInvites(prisma: PrismaClient, now: Date, ownTenantId: string | null, filter: PageRequest & { tenantId?: string | undefined }) {
  const where: Prisma.OperatorInviteWhereInput = {
    ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
    ...(ownTenantId === null ? {} : { tenantId: ownTenantId }),
    ...afterCursor<Prisma.OperatorInviteWhereInput>("createdAt", filter.cursor),
  };
  const rows = await prisma.operatorInvite.findMany({ where, select: inviteFields, orderBy: timeOrder("createdAt"), take: filter.limit + 1 });
  const { page, nextCursor } = pageOf(rows, filter.limit, (last) => encodeCursor(last.createdAt, last.id));
  return { invites: page.map((row) => inviteView(row, now)), nextCursor };
}

/** Its link stops working at once; an accepted invitation cannot be revoked (disable the operator). */
export function revokeInvite(ctx: MutationContext, inviteId: string) {
  return runMutation(ctx, "operator.invite_revoked", async (tx) => {
    const before = await tx.operatorInvite.findUniqueOrThrow({ where: { id: inviteId }, select: inviteFields });
    if (before.acceptedAt !== null) throw new GatehouseError("CONFLICT", "this invitation was already accepted: disable the operator instead", { field: "inviteId" });
    const after = await tx.operatorInvite.update({ where: { id: inviteId }, data: { revokedAt: before.revokedAt ?? ctx.now() }, select: inviteFields });
    const view = inviteView(after, ctx.now());
    return { result: view, audit: { tenantId: after.tenantId, targetType: "operatorInvite", targetId: after.id, before: { revokedAt: iso(before.revokedAt) }, after: { revokedAt: view.revokedAt } }, affected: [] };
  });
}

type Unusable = "used" | "expired" | "revoked";

const UNUSABLE_MESSAGES: Record<Unusable, string> = {
  used: "this invitation was already used: sign in with the password chosen then",
  expired: "this invitation has expired: ask for a new one",
  revoked: "this invitation was withdrawn: ask for a new one",
};

function whyUnusable(row: InviteRow, now: Date): Unusable | null {
  const status = inviteStatus(row, now);
  if (status === "accepted") return "used";
  return status === "pending" ? null : status;
}

const NOT_VALID = () => new GatehouseError("NOT_FOUND", "this invitation link is not valid", { field: "token" });

/** What the invitation page shows before the password is chosen (nothing changes). */
export async function inspectInvite(prisma: PrismaClient, now: Date, token: string) {
  const row = await prisma.operatorInvite.findUnique({ where: { tokenHash: sha256Hex(token) }, select: inviteFields });
  if (row === null) return { usable: false as const, problem: NOT_VALID().message };
  const unusable = whyUnusable(row, now);
  if (unusable) return { usable: false as const, problem: UNUSABLE_MESSAGES[unusable] };
  return { usable: true as const, email: row.email, name: row.name, role: row.role, tenantName: row.tenant?.name ?? null, expiresAt: iso(row.expiresAt) };
}

/** Uses the link: the operator is created with this password in the transaction that claims it. */
export async function acceptInvite(base: Omit<MutationContext, "actor">, token: string, password: string) {
  const found = await base.prisma.operatorInvite.findUnique({ where: { tokenHash: sha256Hex(token) }, select: inviteFields });
  if (found === null) throw NOT_VALID();
  // Refused before the (deliberately slow) hashing, so replaying a used link costs the server nothing.
  const early = whyUnusable(found, base.now());
  if (early) throw new GatehouseError("CONFLICT", UNUSABLE_MESSAGES[early], { field: "token" });
  const passwordHash = await hashPassword(password);
  const operatorId = randomUUID();
  return runMutation({ ...base, actor: `operator:${operatorId}` }, "operator.invite_accepted", async (tx) => {
    const now = base.now();
    const row = await tx.operatorInvite.findUniqueOrThrow({ where: { id: found.id }, select: inviteFields });
    const unusable = whyUnusable(row, now);
    if (unusable) throw new GatehouseError("CONFLICT", UNUSABLE_MESSAGES[unusable], { field: "token" });
    // Conditional: of two uses at once, exactly one finds the invitation still open.
    const claimed = await tx.operatorInvite.updateMany({ where: { id: row.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }, data: { acceptedAt: now } });
    if (claimed.count !== 1) throw new GatehouseError("CONFLICT", UNUSABLE_MESSAGES.used, { field: "token" });
    const operator = await tx.operator
      .create({ data: { id: operatorId, email: row.email, name: row.name, role: row.role, tenantId: row.tenantId, passwordHash, createdAt: now }, select: { id: true, email: true, name: true, role: true, tenantId: true } })
      .catch(refuseTakenEmail);
    return {
      result: { email: operator.email, name: operator.name, role: operator.role },
      audit: { tenantId: operator.tenantId, targetType: "operator", targetId: operator.id, after: { ...operator, inviteId: row.id } },
      affected: [],
    };
  });
}

/** The address got an account since it was invited (its invitation never had a usable link otherwise). */
function refuseTakenEmail(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new GatehouseError("CONFLICT", "this invitation cannot be used: sign in with your existing account", { field: "token" });
  }
  throw error;
}
