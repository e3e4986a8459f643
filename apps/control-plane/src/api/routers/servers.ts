// PBX servers. create returns the server and its one-time enrollment token (valid
// ENROLLMENT_TTL_HOURS, 24 h by default; only its hash is stored) with the complete install to
// run on the host (hub/install-command.ts). Settings that reach the firewall are parsed by the
// one source parser.
import { z } from "zod";
import type { ControlPlaneApp } from "../../app.ts";
import { liveReplicaIds } from "../../cluster/replica-registry.ts";
import { isOnline } from "../../hub/fleet-status.ts";
import { enrollCommand, installCommand } from "../../hub/install-command.ts";
import { iso } from "../../services/listing.ts";
import {
  canonicalSettings,
  createServer,
  deleteServer,
  listServers,
  regenerateEnrollment,
  revokeServer,
  serverWithReport,
  statusOf,
  updateServer,
  type EnrollmentGrant,
  type ServerRow,
} from "../../services/servers.ts";
import { groupNameSchema, idSchema, LIST_PAGE_DEFAULT, listPageSchema, nameSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";

const settingsSchema = z.strictObject({
  provider: z.string().trim().min(1).max(40).optional(),
  region: z.string().trim().max(60).nullable().optional(),
  tags: z.array(groupNameSchema).max(50).optional(),
  primaryAdminSource: z.string().max(254).nullable().optional(),
  lanRanges: z.array(z.string().max(60)).max(50).optional(),
  mediaOpenToAll: z.boolean().optional(),
});

/** What clients see of a server: never a hash. */
function serverView(liveReplicas: ReadonlySet<string>, row: ServerRow) {
  return {
    id: row.id,
    tenantId: row.tenantId,
    tenantName: row.tenant.name,
    name: row.name,
    provider: row.provider,
    region: row.region,
    tags: row.tags,
    primaryAdminSource: row.primaryAdminSource,
    lanRanges: row.lanRanges,
    mediaOpenToAll: row.mediaOpenToAll,
    status: statusOf(row),
    online: isOnline(row, liveReplicas),
    revision: row.revision,
    appliedRevision: row.appliedRevision,
    appliedHash: row.appliedHash,
    lastSeenAt: iso(row.lastSeenAt),
    enrollmentExpiresAt: row.enrollmentTokenHash === null ? null : iso(row.enrollmentExpiresAt),
    revokedAt: iso(row.revokedAt),
    createdAt: iso(row.createdAt),
  };
}

const LOOPBACK_HOST = /^(localhost|127(\.\d+){3}|\[::1\])$/i;

/** What the operator should know before pasting the install on another host. */
function installNotes(url: string, installable: boolean): string[] {
  const notes: string[] = [];
  const { hostname, protocol } = new URL(url);
  if (LOOPBACK_HOST.test(hostname)) {
    notes.push(`${url} is this control plane's loopback address: agents on other hosts cannot reach it. Set HOST=0.0.0.0 (or a proxy in front) and PUBLIC_URL to the address agents use (docs/operations.md).`);
  } else if (protocol === "http:") {
    notes.push(`${url} is plain http: gatehouse-agent refuses to enroll over it unless --insecure-http is added to its enroll step (a lab, or a link you encrypt yourself). Put TLS in front and set PUBLIC_URL to the https:// address (docs/operations.md).`);
  }
  if (!installable) notes.push("the agent bundle is not built on this control plane (`pnpm --filter @gatehouse/agent build`): install gatehouse-agent by hand (docs/agent.md), then run the enroll command.");
  return notes;
}

/**
 * The one-time token with the commands that use it: `install` (download, verify, install the
 * unit, enroll, start; null when the bundle was not built) and `command` (enroll only, for a
 * host that already has the agent, and for scripts).
 */
async function enrollmentView(app: ControlPlaneApp, grant: EnrollmentGrant, force = false) {
  const url = app.publicUrl();
  const sums = (await app.agentDownloads?.()) ?? { bundleSha256: null, unitSha256: null };
  const { bundleSha256, unitSha256 } = sums;
  const install = bundleSha256 && unitSha256 ? installCommand({ url, token: grant.token, bundleSha256, unitSha256, force }) : null;
  return {
    token: grant.token,
    expiresAt: iso(grant.expiresAt),
    command: enrollCommand(url, grant.token, force),
    install,
    agentBundleSha256: bundleSha256,
    agentUnitSha256: unitSha256,
    notes: installNotes(url, install !== null),
  };
}

export const serversRouter = createTRPCRouter({
  create: writeProcedure(settingsSchema.extend({ tenantId: idSchema, name: nameSchema }))
    .mutation(async ({ ctx, input }) => {
      const { tenantId, ...settings } = input;
      const canonical = { ...canonicalSettings(settings, ctx.app.sourceFloors), name: input.name };
      const { server, enrollment } = await createServer(ctx.mutation, tenantId, canonical, ctx.app.enrollmentTtlMs);
      return { server: serverView(await liveReplicaIds(ctx.app.prisma), server), enrollment: await enrollmentView(ctx.app, enrollment) };
    }),

  /** A page of servers by name (at most LIST_PAGE_MAX); follow `nextCursor` for the rest. */
  list: readProcedure(
      listPageSchema
        .extend({
          tenantId: idSchema.optional(),
          tag: groupNameSchema.optional(),
          status: z.enum(["pending", "enrolled", "revoked"]).optional(),
          name: z.string().max(100).optional(),
        })
        .default(LIST_PAGE_DEFAULT),
    )
    .query(async ({ ctx, input }) => {
      const { page, nextCursor } = await listServers(ctx.app.prisma, ctx.access.ownTenant(), input);
      const live = await liveReplicaIds(ctx.app.prisma);
      return { servers: page.map((row) => serverView(live, row)), nextCursor };
    }),

  get: readProcedure(z.strictObject({ serverId: idSchema })).query(async ({ ctx, input }) => {
    const row = await serverWithReport(ctx.app.prisma, input.serverId);
    const deletedWithIt = { entries: row._count.allowEntries, presetSwitches: row._count.presetEnables };
    return { ...serverView(await liveReplicaIds(ctx.app.prisma), row), lastReport: row.lastReport, deletedWithIt };
  }),

  update: writeProcedure(settingsSchema.extend({ serverId: idSchema, name: nameSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { serverId, ...settings } = input;
      return serverView(await liveReplicaIds(ctx.app.prisma), await updateServer(ctx.mutation, serverId, canonicalSettings(settings, ctx.app.sourceFloors)));
    }),

  /** Also for a revoked server: it becomes pending, and only the new token enrolls it again. */
  regenerateEnrollment: writeProcedure(z.strictObject({ serverId: idSchema })).mutation(async ({ ctx, input }) => {
    const grant = await regenerateEnrollment(ctx.mutation, input.serverId, ctx.app.enrollmentTtlMs);
    return enrollmentView(ctx.app, grant, grant.reenrollment);
  }),

  revoke: writeProcedure(z.strictObject({ serverId: idSchema })).mutation(async ({ ctx, input }) => {
    const row = await revokeServer(ctx.mutation, input.serverId);
    ctx.app.agents?.disconnect(input.serverId, "this server was revoked");
    return serverView(await liveReplicaIds(ctx.app.prisma), row);
  }),

  delete: writeProcedure(z.strictObject({ serverId: idSchema })).mutation(async ({ ctx, input }) => {
    const result = await deleteServer(ctx.mutation, input.serverId);
    ctx.app.agents?.disconnect(input.serverId, "this server was deleted");
    return result;
  }),
});
