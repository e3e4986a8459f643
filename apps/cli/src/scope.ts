// Where an entry applies: --server, --tenant, --group TENANT:GROUP or --fleet (one of them).
import type { Command } from "commander";
import type { EntryScope } from "@gatehouse/core";
import type { Api } from "./api.ts";
import { CliError } from "./errors.ts";
import { resolveServer, resolveTenant } from "./resolve.ts";

export interface ScopeFlags {
  server?: string;
  tenant?: string;
  group?: string;
  fleet?: boolean;
}

export interface ResolvedScope {
  /** The entries router's `scope` input. */
  target: EntryScope;
  /** "server acme/pbx1", "tenant acme", "group acme:sales", "the whole fleet". */
  label: string;
}

export function addScopeOptions(command: Command, what: string): Command {
  return command
    .option("--server <name|id>", `${what} one server (TENANT/NAME if the name is not unique)`)
    .option("--tenant <name|id>", `${what} every server of a tenant`)
    .option("--group <tenant:group>", `${what} the servers of a tenant tagged with the group`)
    .option("--fleet", `${what} every server of the fleet`);
}

function chosenFlags(flags: ScopeFlags): string[] {
  const chosen: string[] = [];
  if (flags.server !== undefined) chosen.push("--server");
  if (flags.tenant !== undefined) chosen.push("--tenant");
  if (flags.group !== undefined) chosen.push("--group");
  if (flags.fleet) chosen.push("--fleet");
  return chosen;
}

/** The scope the flags name, or undefined when none is given and `required` is false. */
export async function resolveScope(api: Api, flags: ScopeFlags, required: boolean): Promise<ResolvedScope | undefined> {
  const chosen = chosenFlags(flags);
  if (chosen.length > 1) throw new CliError(`choose one scope, not ${chosen.join(" and ")}`);
  if (chosen.length === 0) {
    if (required) throw new CliError("say where it applies: --server NAME, --tenant NAME, --group TENANT:GROUP or --fleet");
    return undefined;
  }
  if (flags.fleet) return { target: { kind: "FLEET" }, label: "the whole fleet" };
  if (flags.server !== undefined) {
    const server = await resolveServer(api, flags.server);
    return { target: { kind: "SERVER", serverId: server.id }, label: `server ${server.tenantName}/${server.name}` };
  }
  if (flags.tenant !== undefined) {
    const tenant = await resolveTenant(api, flags.tenant);
    return { target: { kind: "TENANT", tenantId: tenant.id }, label: `tenant ${tenant.name}` };
  }
  const [tenantName, groupName] = splitGroup(flags.group ?? "");
  const tenant = await resolveTenant(api, tenantName);
  return { target: { kind: "GROUP", tenantId: tenant.id, group: groupName }, label: `group ${tenant.name}:${groupName}` };
}

function splitGroup(text: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) {
    throw new CliError(`--group ${text}: expected TENANT:GROUP, e.g. acme:sales`);
  }
  return [text.slice(0, colon), text.slice(colon + 1)];
}
