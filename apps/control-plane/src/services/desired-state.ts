// A server's desired state as stored intent says now: the entries whose scope can cover it
// (fleet, its tenant, its tenant's groups it is tagged with, itself; not expired), its enabled
// provider presets (tenant- or server-level) and the custom services it can see, folded by
// core's effectiveStateForServer. The agent hub calls this for every snapshot it sends.
import {
  customServiceDefinition,
  effectiveStateForServer,
  hashDesiredState,
  parseSource,
  type DesiredState,
  type ScopedEntry,
  type ServiceDefinition,
} from "@gatehouse/core";
import type { Db, Prisma } from "@gatehouse/db";

export interface LoadedDesiredState {
  /** The stored revision this state belongs to (see the read order below). */
  revision: number;
  /** hashDesiredState(state): what the agent reports back as applied. */
  hash: string;
  state: DesiredState;
  server: { id: string; tenantId: string; name: string; revokedAt: Date | null };
}

/**
 * Null when the server does not exist. The server row (and so the revision) is read FIRST and
 * the entries after it: every change bumps the revision in its own commit, so the entries seen
 * are at least as new as the revision; at worst the state is newer than its number, and the
 * bump that follows makes the agent fetch again. The other order could label an old state new.
 */
export async function loadDesiredState(prisma: Db, serverId: string, now: Date): Promise<LoadedDesiredState | null> {
  const server = await prisma.server.findUnique({
    where: { id: serverId },
    select: {
      id: true,
      tenantId: true,
      name: true,
      tags: true,
      primaryAdminSource: true,
      lanRanges: true,
      mediaOpenToAll: true,
      revision: true,
      revokedAt: true,
    },
  });
  if (server === null) return null;
  const [entries, presetEntries, customServices] = await Promise.all([
    storedEntries(prisma, server, now),
    presetEntriesFor(prisma, server),
    visibleCustomServices(prisma, server.tenantId),
  ]);
  const state = effectiveStateForServer({ server, entries: [...entries, ...presetEntries], customServices, now });
  return {
    revision: server.revision,
    hash: hashDesiredState(state),
    state,
    server: { id: server.id, tenantId: server.tenantId, name: server.name, revokedAt: server.revokedAt },
  };
}

interface ServerScopeKey {
  id: string;
  tenantId: string;
  tags: string[];
}

/** The WHERE that selects every allow entry whose scope covers `server` (expiry aside). */
export function entriesCoveringServer(server: ServerScopeKey): Prisma.AllowEntryWhereInput {
  return {
    OR: [
      { scope: "FLEET" },
      { scope: "TENANT", tenantId: server.tenantId },
      ...(server.tags.length > 0 ? [{ scope: "GROUP" as const, tenantId: server.tenantId, groupName: { in: server.tags } }] : []),
      { scope: "SERVER", serverId: server.id },
    ],
  };
}

async function storedEntries(prisma: Db, server: ServerScopeKey, now: Date): Promise<ScopedEntry[]> {
  const rows = await prisma.allowEntry.findMany({
    where: { AND: [entriesCoveringServer(server), { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }] },
    select: { source: true, sourceKind: true, services: true, scope: true, tenantId: true, groupName: true, serverId: true, expiresAt: true },
  });
  return rows.map((row) => ({ ...row, kind: row.sourceKind === "fqdn" ? "fqdn" : "ip" }));
}

/** Enabled presets become entries scoped to this server, each host parsed like any source. */
async function presetEntriesFor(prisma: Db, server: ServerScopeKey): Promise<ScopedEntry[]> {
  const enablements = await prisma.presetEnablement.findMany({
    where: { tenantId: server.tenantId, OR: [{ serverId: null }, { serverId: server.id }] },
    select: { preset: { select: { hosts: true, services: true } } },
  });
  const entries: ScopedEntry[] = [];
  for (const { preset } of enablements) {
    for (const host of preset.hosts) {
      let parsed;
      try {
        parsed = parseSource(host);
      } catch {
        continue; // a bad seeded host must not take the server's whole state down
      }
      entries.push({
        source: parsed.canonical,
        kind: parsed.kind,
        services: preset.services,
        scope: "SERVER",
        tenantId: server.tenantId,
        groupName: null,
        serverId: server.id,
        expiresAt: null,
      });
    }
  }
  return entries;
}

export async function visibleCustomServices(prisma: Db, tenantId: string): Promise<ServiceDefinition[]> {
  const rows = await prisma.customService.findMany({
    where: { OR: [{ tenantId: null }, { tenantId }] },
    select: { id: true, name: true, protocol: true, portFrom: true, portTo: true },
    orderBy: { id: "asc" },
  });
  return rows.flatMap((row) =>
    row.protocol === "tcp" || row.protocol === "udp" ? [customServiceDefinition({ ...row, protocol: row.protocol })] : [],
  );
}
