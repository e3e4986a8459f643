// Names for the ids the API returns: tenants and servers the caller can see, fetched once per
// command, so tables say "server acme/pbx1" rather than a uuid.
import type { StoredScope } from "@gatehouse/core";
import type { Api } from "./api.ts";
import { allServers, allTenants } from "./lists.ts";

export interface Directory {
  tenantName(id: string | null): string;
  serverLabel(id: string | null): string;
}

export async function loadDirectory(api: Api): Promise<Directory> {
  const [tenants, servers] = await Promise.all([allTenants(api), allServers(api)]);
  const tenantNames = new Map(tenants.map((t) => [t.id, t.name]));
  const serverLabels = new Map(servers.map((s) => [s.id, `${s.tenantName}/${s.name}`]));
  return {
    tenantName: (id) => (id === null ? "" : tenantNames.get(id) ?? id),
    serverLabel: (id) => (id === null ? "" : serverLabels.get(id) ?? id),
  };
}

/** "fleet", "tenant acme", "group acme:sales", "server acme/pbx1". */
export function scopeLabel(entry: StoredScope, directory: Directory): string {
  switch (entry.scope) {
    case "FLEET":
      return "fleet";
    case "TENANT":
      return `tenant ${directory.tenantName(entry.tenantId)}`;
    case "GROUP":
      return `group ${directory.tenantName(entry.tenantId)}:${entry.groupName ?? ""}`;
    case "SERVER":
      return `server ${directory.serverLabel(entry.serverId)}`;
  }
}
