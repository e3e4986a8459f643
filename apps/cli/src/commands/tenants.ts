// `gatehouse tenants add|rename|delete|list`: the MSP's customers. Only MSP admins change them
// (the API decides). A delete needs --yes and says first what it would take; a tenant that
// still has servers is refused (the control plane refuses it too).
import type { Command } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { allTenants, type Tenant } from "../lists.ts";
import { shortTime } from "../output.ts";
import { resolveTenant } from "../resolve.ts";

async function addTenant(ctx: CommandContext, name: string): Promise<void> {
  const tenant = await ctx.api().tenants.create.mutate({ name });
  ctx.out.result(tenant, `Tenant ${tenant.name} added (id ${tenant.id}).\nAdd its first server with: gatehouse servers add NAME --tenant ${quoted(tenant.name)}`);
}

async function renameTenant(ctx: CommandContext, tenantName: string, newName: string): Promise<void> {
  const api = ctx.api();
  const { id, name } = await resolveTenant(api, tenantName);
  const tenant = await api.tenants.rename.mutate({ tenantId: id, name: newName });
  ctx.out.result(tenant, `Tenant ${name} is now ${tenant.name}.`);
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What the delete takes with it (the tenant's servers must be deleted before). */
function deletedWith(tenant: Tenant): string[] {
  return [
    plural(tenant.operators, "operator"),
    plural(tenant.travelers, "traveler"),
    plural(tenant.entries, "allowlist entry", "allowlist entries"),
    plural(tenant.customServices, "custom service"),
    plural(tenant.presetSwitches, "preset switch", "preset switches"),
  ].filter((text) => !text.startsWith("0 "));
}

interface DeleteOptions {
  yes?: boolean;
}

async function deleteTenant(ctx: CommandContext, tenantName: string, options: DeleteOptions): Promise<void> {
  const api = ctx.api();
  const tenant = await resolveTenant(api, tenantName);
  if (tenant.servers > 0) {
    throw new CliError(`tenant ${tenant.name} still has ${plural(tenant.servers, "server")}: delete them first (\`gatehouse servers list --tenant ${quoted(tenant.name)}\`, then \`gatehouse servers delete SERVER --yes\`)`);
  }
  const removed = deletedWith(tenant);
  if (!options.yes) {
    const signIn = tenant.operators > 0 ? "; its operators can no longer sign in" : "";
    const taking = removed.length > 0 ? `it takes its ${removed.join(", ")} with it${signIn}` : "it holds nothing else";
    throw new CliError(`deleting tenant ${tenant.name} cannot be undone (${taking}; the audit log keeps its events): add --yes to delete it`);
  }
  const result = await api.tenants.delete.mutate({ tenantId: tenant.id });
  ctx.out.result(result, `Tenant ${result.name} deleted${removed.length > 0 ? `, with its ${removed.join(", ")}` : ""}.`);
}

async function listTenants(ctx: CommandContext): Promise<void> {
  const tenants = await allTenants(ctx.api());
  ctx.out.table(tenants, [
    { header: "name", value: (t) => t.name },
    { header: "servers", value: (t) => t.servers },
    { header: "operators", value: (t) => t.operators },
    { header: "travelers", value: (t) => t.travelers },
    { header: "entries", value: (t) => t.entries },
    { header: "created", value: (t) => shortTime(t.createdAt) },
    { header: "id", value: (t) => t.id },
  ], "No tenants yet: add one with `gatehouse tenants add NAME`.");
}

function quoted(name: string): string {
  return /^[\w.-]+$/.test(name) ? name : `'${name.replaceAll("'", "'\\''")}'`;
}

export function registerTenantCommands(program: Command): void {
  const tenants = program.command("tenants").description("tenants (the MSP's customers): add, rename, delete, list");
  tenants.command("add <name>").description("add a tenant (MSP admins only)").action(withContext(addTenant));
  tenants.command("rename <tenant> <new-name>").description("rename a tenant (MSP admins only)").action(withContext(renameTenant));
  tenants
    .command("delete <tenant>")
    .description("delete a tenant that has no servers left (MSP admins only); its operators, travelers, entries, custom services and preset switches go with it")
    .option("--yes", "really delete it (without it, the command only says what the delete would take)")
    .action(withContext(deleteTenant));
  tenants.command("list").description("list the tenants you can see, with what each holds").action(withContext(listTenants));
}
