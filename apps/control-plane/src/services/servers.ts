// Servers: creation with a one-time enrollment token, settings that change what the agent
// enforces, revocation and deletion. Plain functions over a MutationContext; the router checks
// access and shapes input and output.
import { GatehouseError, parseAdminSource, parseLanRange, sha256Hex, type SourceFloors } from "@gatehouse/core";
import type { Prisma, PrismaClient, Tx } from "@gatehouse/db";
import { newSecret } from "../auth/secrets.ts";
import { afterKeyCursor, encodeKeyCursor, keyOrder, pageOf, type Page, type PageRequest } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

const serverFields = {
  id: true,
  tenantId: true,
  name: true,
  provider: true,
  region: true,
  tags: true,
  primaryAdminSource: true,
  lanRanges: true,
  mediaOpenToAll: true,
  revision: true,
  agentCredentialHash: true,
  enrollmentTokenHash: true,
  enrollmentExpiresAt: true,
  revokedAt: true,
  lastSeenAt: true,
  connectedReplicaId: true,
  appliedRevision: true,
  appliedHash: true,
  createdAt: true,
  tenant: { select: { name: true } },
} as const satisfies Prisma.ServerSelect;

export type ServerRow = Prisma.ServerGetPayload<{ select: typeof serverFields }>;

export type ServerStatus = "pending" | "enrolled" | "revoked";

export function statusOf(row: Pick<ServerRow, "revokedAt" | "agentCredentialHash">): ServerStatus {
  if (row.revokedAt !== null) return "revoked";
  return row.agentCredentialHash !== null ? "enrolled" : "pending";
}

export interface ServerFilter {
  tenantId?: string | undefined;
  /** A group the server is tagged with. */
  tag?: string | undefined;
  status?: ServerStatus | undefined;
  /** Part of the name, any case. */
  name?: string | undefined;
}

/** The servers `filter` names within `ownTenant` (the access check's `{}` or `{ tenantId }`). */
export function serverFilter(ownTenant: { tenantId?: string }, filter: ServerFilter): Prisma.ServerWhereInput {
  return {
    ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
    ...ownTenant,
    ...(filter.tag ? { tags: { has: filter.tag } } : {}),
    ...(filter.status === "revoked" ? { revokedAt: { not: null } } : {}),
    ...(filter.status === "enrolled" ? { revokedAt: null, agentCredentialHash: { not: null } } : {}),
    ...(filter.status === "pending" ? { revokedAt: null, agentCredentialHash: null } : {}),
    ...(filter.name ? { name: { contains: filter.name, mode: "insensitive" } } : {}),
  };
}

/** A page of servers by name. */
export async function listServers(prisma: PrismaClient, ownTenant: { tenantId?: string }, filter: ServerFilter & PageRequest): Promise<Page<ServerRow>> {
  const where: Prisma.ServerWhereInput = { AND: [serverFilter(ownTenant, filter), afterKeyCursor<Prisma.ServerWhereInput>("name", filter.cursor)] };
  const rows = await prisma.server.findMany({ where, select: serverFields, orderBy: keyOrder("name"), take: filter.limit + 1 });
  return pageOf(rows, filter.limit, (last) => encodeKeyCursor(last.name, last.id));
}

/** One server with the agent's last report and what is deleted with it (its own entries and preset switches). */
export function serverWithReport(prisma: PrismaClient, serverId: string) {
  return prisma.server.findUniqueOrThrow({
    where: { id: serverId },
    select: { ...serverFields, lastReport: true, _count: { select: { allowEntries: true, presetEnables: true } } },
  });
}

/** Server names are unique within a tenant: said in words before the unique index says it in columns. */
async function ensureNameFree(tx: Tx, tenantId: string, name: string, exceptId?: string): Promise<void> {
  const taken = await tx.server.findFirst({ where: { tenantId, name, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { tenant: { select: { name: true } } } });
  if (taken) throw new GatehouseError("CONFLICT", `tenant ${taken.tenant.name} already has a server named ${name}`, { field: "name" });
}

export interface ServerSettings {
  name?: string;
  provider?: string;
  region?: string | null;
  tags?: string[];
  primaryAdminSource?: string | null;
  lanRanges?: string[];
  mediaOpenToAll?: boolean;
}

/**
 * Canonical forms of the settings that reach the firewall, each by its use's rules: the admin
 * source is public (core's parseAdminSource), LAN ranges are local networks (parseLanRange).
 */
export function canonicalSettings(settings: ServerSettings, floors: SourceFloors): ServerSettings {
  const out: ServerSettings = { ...settings };
  if (settings.primaryAdminSource) {
    const admin = settings.primaryAdminSource;
    out.primaryAdminSource = onField("primaryAdminSource", () => parseAdminSource(admin, floors).canonical);
  }
  if (settings.lanRanges) {
    out.lanRanges = [...new Set(settings.lanRanges.map((range, index) => onField(`lanRanges.${index}`, () => parseLanRange(range).canonical)))];
  }
  if (settings.tags) out.tags = [...new Set(settings.tags)].sort();
  return out;
}

/** Runs a parser, attaching the field it read to its error. */
function onField<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof GatehouseError) throw new GatehouseError(error.code, error.message, { ...error.details, field });
    throw error;
  }
}

export interface EnrollmentGrant {
  /** Shown once: the agent trades it for its credential (POST /agent/enroll). */
  token: string;
  expiresAt: Date;
}

function newEnrollment(ctx: MutationContext, ttlMs: number): EnrollmentGrant & { tokenHash: string } {
  const token = newSecret();
  return { token, tokenHash: sha256Hex(token), expiresAt: new Date(ctx.now().getTime() + ttlMs) };
}

/** A visible snapshot for the audit log: no hashes, no secrets. */
function serverAuditView(row: ServerRow) {
  return {
    name: row.name,
    provider: row.provider,
    region: row.region,
    tags: row.tags,
    primaryAdminSource: row.primaryAdminSource,
    lanRanges: row.lanRanges,
    mediaOpenToAll: row.mediaOpenToAll,
    enrolled: row.agentCredentialHash !== null,
    revokedAt: row.revokedAt,
  };
}

export async function createServer(ctx: MutationContext, tenantId: string, settings: ServerSettings & { name: string }, ttlMs: number) {
  const enrollment = newEnrollment(ctx, ttlMs);
  return runMutation(ctx, "server.created", async (tx) => {
    await ensureNameFree(tx, tenantId, settings.name);
    const server = await tx.server.create({
      data: { tenantId, ...settings, createdAt: ctx.now(), enrollmentTokenHash: enrollment.tokenHash, enrollmentExpiresAt: enrollment.expiresAt },
      select: serverFields,
    });
    // A new server starts at revision 1 with nothing to tell: no agent has connected yet.
    return { result: { server, enrollment: { token: enrollment.token, expiresAt: enrollment.expiresAt } }, audit: { tenantId, targetType: "server", targetId: server.id, after: serverAuditView(server) }, affected: [] };
  });
}

/** Every setting here can change the server's desired state, so the server's revision goes up. */
export async function updateServer(ctx: MutationContext, serverId: string, settings: ServerSettings): Promise<ServerRow> {
  await runMutation(ctx, "server.updated", async (tx) => {
    const before = await tx.server.findUniqueOrThrow({ where: { id: serverId }, select: serverFields });
    if (settings.name !== undefined) await ensureNameFree(tx, before.tenantId, settings.name, serverId);
    const after = await tx.server.update({ where: { id: serverId }, data: settings, select: serverFields });
    return { result: null, audit: { tenantId: after.tenantId, targetType: "server", targetId: serverId, before: serverAuditView(before), after: serverAuditView(after) }, affected: [{ kind: "SERVER", serverId }] };
  });
  return reread(ctx, serverId);
}

/** The row as committed, with the revision the mutation bumped. */
function reread(ctx: MutationContext, serverId: string): Promise<ServerRow> {
  return ctx.prisma.server.findUniqueOrThrow({ where: { id: serverId }, select: serverFields });
}

/**
 * A new one-time token (the old one stops working): for a lost token, a reinstalled host, or a
 * revoked server enrolled again. A revoked server becomes pending: its old credential stays
 * cleared, so only an agent that trades the new token can sync it again.
 */
export async function regenerateEnrollment(ctx: MutationContext, serverId: string, ttlMs: number): Promise<EnrollmentGrant & { reenrollment: boolean }> {
  const enrollment = newEnrollment(ctx, ttlMs);
  return runMutation(ctx, "server.enrollment_regenerated", async (tx) => {
    const server = await tx.server.findUniqueOrThrow({ where: { id: serverId }, select: { tenantId: true, revokedAt: true, agentCredentialHash: true } });
    await tx.server.update({
      where: { id: serverId },
      data: { enrollmentTokenHash: enrollment.tokenHash, enrollmentExpiresAt: enrollment.expiresAt, revokedAt: null },
    });
    const wasRevoked = server.revokedAt !== null;
    return {
      result: { token: enrollment.token, expiresAt: enrollment.expiresAt, reenrollment: wasRevoked || server.agentCredentialHash !== null },
      audit: {
        tenantId: server.tenantId,
        targetType: "server",
        targetId: serverId,
        ...(wasRevoked ? { before: { revokedAt: server.revokedAt } } : {}),
        after: { enrollmentExpiresAt: enrollment.expiresAt, ...(wasRevoked ? { revokedAt: null } : {}) },
      },
      affected: [],
    };
  });
}

/**
 * Revoked: the agent credential and any enrollment token are cleared, so the agent can never
 * authenticate again. The revision goes up and is published: the hub, seeing the bump,
 * finds the server revoked and closes its connection at once.
 */
export async function revokeServer(ctx: MutationContext, serverId: string): Promise<ServerRow> {
  await runMutation(ctx, "server.revoked", async (tx) => {
    const before = await tx.server.findUniqueOrThrow({ where: { id: serverId }, select: serverFields });
    const after = await tx.server.update({
      where: { id: serverId },
      data: { revokedAt: before.revokedAt ?? ctx.now(), agentCredentialHash: null, enrollmentTokenHash: null, enrollmentExpiresAt: null },
      select: serverFields,
    });
    return { result: null, audit: { tenantId: after.tenantId, targetType: "server", targetId: serverId, before: serverAuditView(before), after: serverAuditView(after) }, affected: [{ kind: "SERVER", serverId }] };
  });
  return reread(ctx, serverId);
}

/** Deletes the server with its server-scoped entries and preset switches (cascade). */
export async function deleteServer(ctx: MutationContext, serverId: string) {
  return runMutation(ctx, "server.deleted", async (tx) => {
    const before = await tx.server.findUniqueOrThrow({ where: { id: serverId }, select: { ...serverFields, _count: { select: { allowEntries: true, presetEnables: true } } } });
    await tx.server.delete({ where: { id: serverId } });
    const removed = { entries: before._count.allowEntries, presetSwitches: before._count.presetEnables };
    return {
      result: { deleted: true, name: before.name, tenantName: before.tenant.name, removed },
      audit: { tenantId: before.tenantId, targetType: "server", targetId: serverId, before: serverAuditView(before) },
      affected: [],
      // Published so the hub drops a still-connected agent: its state now loads as null.
      removedServers: [{ serverId, revision: before.revision + 1 }],
    };
  });
}
