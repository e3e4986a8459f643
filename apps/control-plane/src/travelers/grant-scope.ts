// Where a traveler's grant applies: one allow entry per scope target (the whole tenant when the
// traveler names no groups or servers), and the servers those entries cover (whose revisions a
// grant bumps and whose names the confirmation mail lists).
import { entryCoversServer, type StoredScope } from "@gatehouse/core";
import type { Traveler, Tx } from "@gatehouse/db";

/** A grant's entry is never fleet-wide: always within the traveler's tenant. */
export interface GrantTarget extends StoredScope {
  scope: "TENANT" | "GROUP" | "SERVER";
  tenantId: string;
}

type ScopeOf = Pick<Traveler, "tenantId" | "scopeGroups" | "scopeServerIds">;

export function grantTargets(traveler: ScopeOf): GrantTarget[] {
  const { tenantId } = traveler;
  if (traveler.scopeGroups.length === 0 && traveler.scopeServerIds.length === 0) {
    return [{ scope: "TENANT", tenantId, groupName: null, serverId: null }];
  }
  return [
    ...[...new Set(traveler.scopeGroups)].sort().map((groupName): GrantTarget => ({ scope: "GROUP", tenantId, groupName, serverId: null })),
    ...[...new Set(traveler.scopeServerIds)].sort().map((serverId): GrantTarget => ({ scope: "SERVER", tenantId, groupName: null, serverId })),
  ];
}

/** The tenant's live servers that at least one of `targets` covers, by name. */
export async function serversCovered(tx: Tx, tenantId: string, targets: readonly GrantTarget[]): Promise<Array<{ id: string; name: string }>> {
  const servers = await tx.server.findMany({
    where: { tenantId, revokedAt: null },
    select: { id: true, name: true, tenantId: true, tags: true },
    orderBy: { name: "asc" },
  });
  return servers
    .filter((server) => targets.some((target) => entryCoversServer(target, server)))
    .map(({ id, name }) => ({ id, name }));
}
