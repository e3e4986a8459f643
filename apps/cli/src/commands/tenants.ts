// `gatehouse tenants add|list`: the MSP's customers.
import type { Command } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { allTenants } from "../lists.ts";
import { shortTime } from "../output.ts";

async function addTenant(ctx: CommandContext, name: string): Promise<void> {
  const tenant = await ctx.api().tenants.create.mutate({ name });
  ctx.out.result(tenant, `Tenant ${tenant.name} added (id ${tenant.id}).`);
}

async function listTenants(ctx: CommandContext): Promise<void> {
  const tenants = await allTenants(ctx.api());
  ctx.out.table(tenants, [
    { header: "name", value: (t) => t.name },
    { header: "servers", value: (t) => t.servers },
    { header: "operators", value: (t) => t.operators },
    { header: "travelers", value: (t) => t.travelers },
    { header: "created", value: (t) => shortTime(t.createdAt) },
    { header: "id", value: (t) => t.id },
  ], "No tenants yet: add one with `gatehouse tenants add NAME`.");
}

export function registerTenantCommands(program: Command): void {
  const tenants = program.command("tenants").description("tenants (the MSP's customers): add, list");
  tenants.command("add <name>").description("add a tenant (MSP admins only)").action(withContext(addTenant));
  tenants.command("list").description("list the tenants you can see").action(withContext(listTenants));
}
