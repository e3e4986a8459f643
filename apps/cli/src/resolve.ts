// Operators type names ("acme", "pbx1"); the API wants ids. Names are resolved through the
// list calls the operator may already make, so a tenant admin resolves only what they see.
import type { Api } from "./api.ts";
import { CliError } from "./errors.ts";
import { allServers, allTenants, type Server, type Tenant } from "./lists.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function looksLikeId(text: string): boolean {
  return UUID.test(text);
}

export async function resolveTenant(api: Api, nameOrId: string): Promise<Tenant> {
  const tenants = await allTenants(api);
  const found = tenants.find((t) => t.id === nameOrId) ?? tenants.find((t) => t.name === nameOrId)
    ?? tenants.find((t) => t.name.toLowerCase() === nameOrId.toLowerCase());
  if (!found) {
    throw new CliError(`no tenant named ${nameOrId}${tenants.length ? ` (tenants: ${tenants.map((t) => t.name).join(", ")})` : ""}`);
  }
  return found;
}

/**
 * A server by id, by name, or by TENANT/NAME when the same name is used in several tenants.
 */
export async function resolveServer(api: Api, nameOrId: string): Promise<Server> {
  const servers = await allServers(api);
  const byId = servers.find((s) => s.id === nameOrId);
  if (byId) return byId;
  let candidates = servers.filter((s) => s.name === nameOrId);
  const slash = nameOrId.indexOf("/");
  if (candidates.length === 0 && slash > 0) {
    const tenant = await resolveTenant(api, nameOrId.slice(0, slash));
    const name = nameOrId.slice(slash + 1);
    candidates = servers.filter((s) => s.tenantId === tenant.id && s.name === name);
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new CliError(`no server named ${nameOrId} (see \`gatehouse servers list\`)`);
  const names = candidates.map((s) => s.tenantName);
  throw new CliError(`server name ${nameOrId} is used in several tenants (${names.join(", ")}): write TENANT/${nameOrId} or use the server id`);
}
