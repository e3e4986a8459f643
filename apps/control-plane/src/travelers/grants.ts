// A traveler's grant: their address allowed for their services on every server their scope
// covers, until it expires. Created, replaced, revoked and expired each in ONE mutation (the
// entries, the grant, the audit event and the revision bumps commit together); the
// confirmation mail is sent after commit, and an SMTP outage never takes the grant back.
import { GatehouseError, parseGrantAddress } from "@gatehouse/core";
import type { TravelerGrant, Tx } from "@gatehouse/db";
import { writeAuditEvents } from "../audit-writer.ts";
import { deliverWithRetry } from "../mail/index.ts";
import { runMutation, type AuditDraft, type MutationOutcome } from "../services/mutation.ts";
import { mutationBy, serversAffected, type TravelersContext } from "./context.ts";
import { grantTargets, serversCovered } from "./grant-scope.ts";
import { grantConfirmationMail } from "./mail-content.ts";

export type GrantChannel = "IVR" | "LINK" | "OPERATOR";

export interface CreatedGrant {
  grant: TravelerGrant;
  servers: Array<{ id: string; name: string }>;
  /** Grants this one ended: the same address renewed, or the oldest beyond the maximum. */
  replacedGrantIds: string[];
}

/** The canonical form of a grantable address, or a BAD_INPUT error saying why not (core's parseGrantAddress). */
export function grantableAddress(address: string, allowDocumentationAddresses: boolean): string {
  return parseGrantAddress(address, { allowDocumentationAddresses });
}

export interface GrantRequest {
  travelerId: string;
  address: string;
  channel: GrantChannel;
  actor: string;
  /** A page session's credential version: the grant is refused unless it is still current when written. */
  credentialVersion?: number;
}

/** A grant's writes, ready to commit: its one audit event can still take the caller's details. */
export type GrantWrite = MutationOutcome<CreatedGrant> & { audit: AuditDraft };

export const SESSION_ENDED = "Your session has ended. Enter your account number and PIN again.";

export async function createGrant(ctx: TravelersContext, input: GrantRequest): Promise<CreatedGrant> {
  const address = grantableAddress(input.address, ctx.allowDocumentationAddresses);
  const known = await ctx.prisma.traveler.findUnique({ where: { id: input.travelerId }, select: { tenantId: true } });
  if (!known) throw new GatehouseError("NOT_FOUND", "no such traveler");
  const now = ctx.now();
  const created = await runMutation(mutationBy(ctx, input.actor), "traveler.grant.created", (tx) =>
    writeGrant(tx, { travelerId: input.travelerId, address, channel: input.channel, now, credentialVersion: input.credentialVersion }),
  );
  mailConfirmation(ctx, created);
  return created;
}

/**
 * A page session's grant holds the traveler's row from here to commit, and only while the
 * credential version is the session's: an UPDATE waits for a PIN reset or disable in flight
 * and then sees its new version, so a request already past the session check when the reset
 * commits is refused, and a reset that comes later waits for the grant (made before it).
 */
async function holdCredentialVersion(tx: Tx, travelerId: string, credentialVersion: number): Promise<void> {
  const held = await tx.traveler.updateMany({ where: { id: travelerId, credentialVersion, enabled: true }, data: { credentialVersion } });
  if (held.count === 0) throw new GatehouseError("UNAUTHORIZED", SESSION_ENDED);
}

/**
 * The grant's writes inside a mutation: end what it replaces, create the grant and one allow
 * entry per scope target. `address` must already be canonical and grantable.
 */
export async function writeGrant(
  tx: Tx,
  input: { travelerId: string; address: string; channel: GrantChannel; now: Date; credentialVersion?: number | undefined },
): Promise<GrantWrite> {
  const { address, now } = input;
  if (input.credentialVersion !== undefined) await holdCredentialVersion(tx, input.travelerId, input.credentialVersion);
  const traveler = await tx.traveler.findUnique({ where: { id: input.travelerId } });
  if (!traveler?.enabled) throw new GatehouseError("FORBIDDEN", "this traveler is disabled");
  const replaced = await grantsToReplace(tx, traveler, address, now);
  const touched: string[] = [];
  for (const old of replaced) touched.push(...(await endGrant(tx, old.id, { revokedAt: now })));
  const targets = grantTargets(traveler);
  const servers = await serversCovered(tx, traveler.tenantId, targets);
  const expiresAt = new Date(now.getTime() + traveler.grantLifetimeHours * 3_600_000);
  const grant = await tx.travelerGrant.create({
    data: { travelerId: traveler.id, address, channel: input.channel, createdAt: now, expiresAt },
  });
  await tx.allowEntry.createMany({
    data: targets.map((target) => ({
      ...target,
      source: address,
      sourceKind: "ip",
      services: traveler.services,
      origin: "TRAVELER" as const,
      comment: `traveler ${traveler.name} (${input.channel.toLowerCase()})`,
      createdAt: now,
      expiresAt,
      travelerGrantId: grant.id,
    })),
  });
  const replacedGrantIds = replaced.map((old) => old.id);
  return {
    result: { grant, servers, replacedGrantIds },
    audit: {
      tenantId: traveler.tenantId,
      targetType: "travelerGrant",
      targetId: grant.id,
      after: { travelerId: traveler.id, address, channel: input.channel, expiresAt: expiresAt.toISOString(), services: traveler.services, replacedGrantIds },
    },
    affected: serversAffected(unique([...servers.map((server) => server.id), ...touched])),
  };
}

/** Active grants the new one ends: one for the same address (a renewal), then the oldest beyond the maximum. */
async function grantsToReplace(
  tx: Tx,
  traveler: { id: string; maxActiveGrants: number },
  address: string,
  now: Date,
): Promise<TravelerGrant[]> {
  const active = await tx.travelerGrant.findMany({
    where: { travelerId: traveler.id, revokedAt: null, expiresAt: { gt: now } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const sameAddress = active.filter((grant) => grant.address === address);
  const others = active.filter((grant) => grant.address !== address);
  const overflow = Math.max(0, others.length + 1 - traveler.maxActiveGrants);
  return [...sameAddress, ...others.slice(0, overflow)];
}

/** Remove a grant's allow entries (marking it revoked when asked); returns the servers they covered. */
export async function endGrant(tx: Tx, grantId: string, mark: { revokedAt: Date } | null): Promise<string[]> {
  const grant = await tx.travelerGrant.findUniqueOrThrow({
    where: { id: grantId },
    include: { allowEntries: { select: { scope: true, tenantId: true, groupName: true, serverId: true } }, traveler: { select: { tenantId: true } } },
  });
  const targets = grant.allowEntries.map((entry) => ({
    scope: entry.scope as "TENANT" | "GROUP" | "SERVER",
    tenantId: entry.tenantId ?? grant.traveler.tenantId,
    groupName: entry.groupName,
    serverId: entry.serverId,
  }));
  const servers = targets.length > 0 ? await serversCovered(tx, grant.traveler.tenantId, targets) : [];
  await tx.allowEntry.deleteMany({ where: { travelerGrantId: grantId } });
  if (mark) await tx.travelerGrant.update({ where: { id: grantId }, data: mark });
  return servers.map((server) => server.id);
}

export async function revokeGrant(ctx: TravelersContext, input: { grantId: string; actor: string }): Promise<TravelerGrant> {
  const existing = await ctx.prisma.travelerGrant.findUnique({ where: { id: input.grantId }, include: { traveler: { select: { tenantId: true } } } });
  if (!existing) throw new GatehouseError("NOT_FOUND", "no such grant");
  const now = ctx.now();
  return runMutation(mutationBy(ctx, input.actor), "traveler.grant.revoked", async (tx) => {
    const grant = await tx.travelerGrant.findUniqueOrThrow({ where: { id: input.grantId } });
    if (grant.revokedAt || grant.expiresAt <= now) throw new GatehouseError("CONFLICT", "this grant has already ended");
    const serverIds = await endGrant(tx, grant.id, { revokedAt: now });
    const revoked = await tx.travelerGrant.findUniqueOrThrow({ where: { id: grant.id } });
    const audit = {
      tenantId: existing.traveler.tenantId,
      targetType: "travelerGrant",
      targetId: grant.id,
      before: { address: grant.address, expiresAt: grant.expiresAt.toISOString() },
      after: { revokedAt: now.toISOString() },
    };
    return { result: revoked, audit, affected: serversAffected(serverIds) };
  });
}

export function mailConfirmation(ctx: TravelersContext, created: CreatedGrant): void {
  const { grant, servers } = created;
  ctx.background.run(
    async () => {
      const traveler = await ctx.prisma.traveler.findUniqueOrThrow({ where: { id: grant.travelerId } });
      const message = grantConfirmationMail({
        travelerName: traveler.name,
        to: traveler.email,
        address: grant.address,
        serverNames: servers.map((server) => server.name),
        services: traveler.services,
        expiresAt: grant.expiresAt,
        timeZone: ctx.timeZone,
        channel: grant.channel,
      });
      const result = await deliverWithRetry(ctx.mailer, message, ctx.mailRetry);
      if (result.delivered) {
        await ctx.prisma.travelerGrant.update({ where: { id: grant.id }, data: { mailedAt: ctx.now(), mailError: null } });
        return;
      }
      await ctx.prisma.travelerGrant.update({ where: { id: grant.id }, data: { mailError: result.error } });
      await writeAuditEvents(ctx.prisma, [{ at: ctx.now(), actor: "system", action: "mail.failed", tenantId: traveler.tenantId, targetType: "travelerGrant", targetId: grant.id, after: { purpose: "grant confirmation", attempts: result.attempts, error: result.error } }]);
      ctx.logger.warn({ grantId: grant.id, attempts: result.attempts }, "grant confirmation mail failed; the grant stands");
    },
    (error) => ctx.logger.error({ err: String(error), grantId: grant.id }, "grant confirmation mail crashed"),
  );
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)].sort();
}
