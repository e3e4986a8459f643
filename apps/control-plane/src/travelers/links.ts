// Confirm by link: for a traveler who does not know their public address (or is on IPv6, or
// behind carrier NAT), the IVR mails a single-use link valid 15 minutes; the page it opens grants
// the address the browser comes from. Only the SHA-256 of the token is stored (it is 256 random
// bits, so a slow hash adds nothing); redeeming marks the link used in the grant's transaction.
import { GatehouseError, sha256Hex } from "@gatehouse/core";
import { writeAuditEvents } from "../audit-writer.ts";
import { newSecret } from "../auth/secrets.ts";
import { deliverWithRetry } from "../mail/index.ts";
import { runMutation } from "../services/mutation.ts";
import { mutationBy, type TravelersContext } from "./context.ts";
import { grantableAddress, mailConfirmation, writeGrant, type CreatedGrant } from "./grants.ts";
import { grantLinkMail } from "./mail-content.ts";

const LINK_LIFETIME_MS = 15 * 60_000;
export const LINK_PATH = "/traveler/link";

/** Create a link and mail it; resolves true once the mail was accepted (the caller is on the phone). */
export async function requestLink(ctx: TravelersContext, input: { travelerId: string; requestedBy: string }): Promise<boolean> {
  const traveler = await ctx.prisma.traveler.findUnique({ where: { id: input.travelerId } });
  if (!traveler?.enabled) return false;
  const token = newSecret();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS);
  const link = await ctx.prisma.$transaction(async (tx) => {
    const created = await tx.travelerLink.create({ data: { travelerId: traveler.id, tokenHash: sha256Hex(token), createdAt: now, expiresAt } });
    await writeAuditEvents(tx, [{ at: now, actor: input.requestedBy, action: "traveler.link.requested", tenantId: traveler.tenantId, targetType: "travelerLink", targetId: created.id, after: { travelerId: traveler.id, expiresAt: expiresAt.toISOString() } }]);
    return created;
  });
  const url = `${ctx.publicUrl().replace(/\/+$/, "")}${LINK_PATH}?token=${token}`;
  const message = grantLinkMail({ travelerName: traveler.name, to: traveler.email, url, expiresAt, timeZone: ctx.timeZone });
  // Fewer, quicker tries than a confirmation: the caller is waiting on the line.
  const result = await deliverWithRetry(ctx.mailer, message, { ...ctx.mailRetry, attempts: Math.min(2, ctx.mailRetry.attempts) });
  if (!result.delivered) {
    await writeAuditEvents(ctx.prisma, [{ at: ctx.now(), actor: "system", action: "mail.failed", tenantId: traveler.tenantId, targetType: "travelerLink", targetId: link.id, after: { purpose: "grant link", error: result.error } }]);
  }
  return result.delivered;
}

export type LinkState =
  | { usable: true; travelerName: string; expiresAt: Date }
  | { usable: false; why: "unknown" | "used" | "expired" };

export async function inspectLink(ctx: TravelersContext, token: string): Promise<LinkState> {
  const link = await ctx.prisma.travelerLink.findUnique({ where: { tokenHash: sha256Hex(token) }, include: { traveler: true } });
  if (!link || !link.traveler.enabled) return { usable: false, why: "unknown" };
  if (link.usedAt) return { usable: false, why: "used" };
  if (link.expiresAt <= ctx.now()) return { usable: false, why: "expired" };
  return { usable: true, travelerName: link.traveler.name, expiresAt: link.expiresAt };
}

/** Use the link once: grant `address` (where the browser comes from) in one mutation. */
export async function redeemLink(ctx: TravelersContext, input: { token: string; address: string }): Promise<CreatedGrant> {
  const address = grantableAddress(input.address, ctx.allowDocumentationAddresses);
  const link = await ctx.prisma.travelerLink.findUnique({ where: { tokenHash: sha256Hex(input.token) }, include: { traveler: true } });
  if (!link) throw new GatehouseError("NOT_FOUND", "this link is not valid");
  const now = ctx.now();
  const created = await runMutation(mutationBy(ctx, `traveler:${link.travelerId}`), "traveler.grant.created", async (tx) => {
    // Conditional update: of two simultaneous uses, exactly one finds the link unused.
    const claimed = await tx.travelerLink.updateMany({ where: { id: link.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (claimed.count !== 1) throw new GatehouseError("CONFLICT", "this link was already used or has expired");
    const written = await writeGrant(tx, { travelerId: link.travelerId, address, channel: "LINK", now });
    return { ...written, audit: { ...written.audit, after: { ...(written.audit.after as object), linkId: link.id } } };
  });
  mailConfirmation(ctx, created);
  return created;
}
