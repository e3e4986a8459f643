// Servers' desired states as stored intent says now: the entries whose scope can cover them
// (fleet, their tenant, their tenant's groups they are tagged with, themselves; not expired),
// their enabled provider presets (tenant- or server-level) and the custom services they can see,
// folded by core's effectiveStateForServer. Loaded for a batch of servers with the same fixed
// number of queries whatever its size: the agent hub loads every fetch of a fetch storm this way.
import { customServiceDefinition, parseSource, type ScopedEntry, type ServiceDefinition } from "@gatehouse/core";
import type { Db, Prisma } from "@gatehouse/db";
import { foldDesiredStates, type FoldServer, type FoldedState } from "./desired-state-fold.ts";
import { recordedGeoVersion } from "./geo-upgrade.ts";
import { storedSourceKind } from "./source-kind.ts";

export interface LoadedDesiredState extends FoldedState {
  /** The stored revision this state belongs to (see the read order below). */
  revision: number;
  /** agentCredentialHash: the hub compares it with the connection's before it sends the state. */
  server: { id: string; tenantId: string; name: string; revokedAt: Date | null; agentCredentialHash: string | null };
}

const SERVER_FIELDS = {
  id: true,
  tenantId: true,
  name: true,
  tags: true,
  primaryAdminSource: true,
  lanRanges: true,
  mediaOpenToAll: true,
  revision: true,
  revokedAt: true,
  agentCredentialHash: true,
} satisfies Prisma.ServerSelect;

/** Null when the server does not exist: the batch of one. */
export async function loadDesiredState(prisma: Db, serverId: string, now: Date): Promise<LoadedDesiredState | null> {
  return (await loadDesiredStates(prisma, [serverId], now)).get(serverId) ?? null;
}

/**
 * serverId -> its state, for the servers that exist (absent ids are left out). The server rows
 * (and so the revisions) are read FIRST and the entries after them: every change bumps the
 * revision in its own commit, so the entries seen are at least as new as the revision; at worst
 * a state is newer than its number, and the bump that follows makes the agent fetch again. The
 * other order could label an old state new. Four queries, whatever the number of servers, and a
 * fifth when a country entry is among them (the one-row geo database record they name).
 */
export async function loadDesiredStates(prisma: Db, serverIds: readonly string[], now: Date): Promise<Map<string, LoadedDesiredState>> {
  const servers = await prisma.server.findMany({ where: { id: { in: [...new Set(serverIds)] } }, select: SERVER_FIELDS });
  if (servers.length === 0) return new Map();
  const tenantIds = [...new Set(servers.map((server) => server.tenantId))];
  const [entries, presetEntries, customServices] = await Promise.all([
    storedEntries(prisma, servers, now),
    presetEntriesFor(prisma, tenantIds, servers),
    customServicesOfTenants(prisma, tenantIds),
  ]);
  const geoVersion = entries.some((entry) => entry.kind === "country") ? await recordedGeoVersion(prisma) : null;
  const folded = foldDesiredStates({ servers, entries: [...entries, ...presetEntries], customServices, now, geoVersion });
  return new Map(
    servers.map((server) => {
      const { id, tenantId, name, revokedAt, agentCredentialHash, revision } = server;
      return [id, { ...(folded.get(id) as FoldedState), revision, server: { id, tenantId, name, revokedAt, agentCredentialHash } }];
    }),
  );
}

type ServerScopeKey = Pick<FoldServer, "id" | "tenantId" | "tags">;

/** The WHERE that selects every allow entry whose scope covers `server` (expiry aside). */
export function entriesCoveringServer(server: ServerScopeKey): Prisma.AllowEntryWhereInput {
  return entriesCoveringServers([server]);
}

/**
 * Every allow entry whose scope may cover one of `servers` (expiry aside). Group entries are
 * asked for as (any of their tenants) x (any of their tags): for a batch of several tenants
 * this may also return a group entry of tenant A named like a tag of tenant B's server, which
 * covers nothing here and which the fold's own scope check leaves out.
 */
function entriesCoveringServers(servers: readonly ServerScopeKey[]): Prisma.AllowEntryWhereInput {
  const tenantIds = [...new Set(servers.map((server) => server.tenantId))];
  const tags = [...new Set(servers.flatMap((server) => server.tags))];
  return {
    OR: [
      { scope: "FLEET" },
      { scope: "TENANT", tenantId: { in: tenantIds } },
      ...(tags.length > 0 ? [{ scope: "GROUP" as const, tenantId: { in: tenantIds }, groupName: { in: tags } }] : []),
      { scope: "SERVER", serverId: { in: servers.map((server) => server.id) } },
    ],
  };
}

async function storedEntries(prisma: Db, servers: readonly ServerScopeKey[], now: Date): Promise<ScopedEntry[]> {
  const rows = await prisma.allowEntry.findMany({
    where: { AND: [entriesCoveringServers(servers), { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }] },
    select: { source: true, sourceKind: true, services: true, scope: true, tenantId: true, groupName: true, serverId: true, expiresAt: true },
  });
  return rows.map((row) => ({ ...row, kind: storedSourceKind(row.sourceKind) }));
}

/**
 * Enabled presets become entries, each host parsed like any source: scoped to the tenant when
 * switched on for the tenant, to the server when switched on for one server.
 */
async function presetEntriesFor(prisma: Db, tenantIds: string[], servers: readonly ServerScopeKey[]): Promise<ScopedEntry[]> {
  const enablements = await prisma.presetEnablement.findMany({
    where: { tenantId: { in: tenantIds }, OR: [{ serverId: null }, { serverId: { in: servers.map((server) => server.id) } }] },
    select: { tenantId: true, serverId: true, preset: { select: { hosts: true, services: true } } },
  });
  const entries: ScopedEntry[] = [];
  for (const { tenantId, serverId, preset } of enablements) {
    for (const host of preset.hosts) {
      let parsed;
      try {
        parsed = parseSource(host);
      } catch {
        continue; // a bad seeded host must not take the servers' whole state down
      }
      const scope = serverId === null ? "TENANT" : "SERVER";
      entries.push({ source: parsed.canonical, kind: parsed.kind, services: preset.services, scope, tenantId, groupName: null, serverId, expiresAt: null });
    }
  }
  return entries;
}

/** The custom services a tenant's servers can use: the fleet's and the tenant's own, by id. */
export async function visibleCustomServices(prisma: Db, tenantId: string): Promise<ServiceDefinition[]> {
  return (await customServicesOfTenants(prisma, [tenantId])).get(tenantId) ?? [];
}

async function customServicesOfTenants(prisma: Db, tenantIds: string[]): Promise<Map<string, ServiceDefinition[]>> {
  const rows = await prisma.customService.findMany({
    where: { OR: [{ tenantId: null }, { tenantId: { in: tenantIds } }] },
    select: { id: true, name: true, protocol: true, portFrom: true, portTo: true, tenantId: true },
    orderBy: { id: "asc" },
  });
  const byTenant = new Map<string, ServiceDefinition[]>(tenantIds.map((tenantId) => [tenantId, []]));
  for (const { tenantId: owner, protocol, ...row } of rows) {
    if (protocol !== "tcp" && protocol !== "udp") continue;
    const service = customServiceDefinition({ ...row, protocol });
    if (owner !== null) byTenant.get(owner)?.push(service);
    else for (const services of byTenant.values()) services.push(service);
  }
  return byTenant;
}
