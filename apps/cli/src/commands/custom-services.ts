// `gatehouse services list|add|remove`: the service catalogue and operators' own services (one
// protocol, one port or range), for a tenant or, for MSP admins, the whole fleet.
import type { Command } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { allTenants } from "../lists.ts";
import { resolveTenant } from "../resolve.ts";

interface AddOptions {
  name: string;
  protocol: string;
  port: string;
  tenant?: string;
}

function portsOf(text: string): { portFrom: number; portTo: number } {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!match) throw new CliError(`--port ${text}: expected a port (5060) or a range (10000-20000)`);
  const portFrom = Number(match[1]);
  return { portFrom, portTo: match[2] === undefined ? portFrom : Number(match[2]) };
}

function protocolOf(text: string): "tcp" | "udp" {
  const protocol = text.trim().toLowerCase();
  if (protocol !== "tcp" && protocol !== "udp") throw new CliError(`--protocol ${text}: expected tcp or udp`);
  return protocol;
}

async function listServices(ctx: CommandContext, options: { tenant?: string }): Promise<void> {
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const { catalogue, custom } = await api.services.catalogue.query(tenantId ? { tenantId } : {});
  const rows = [
    ...catalogue.map((s) => ({ id: s.id, name: s.name, ports: s.ports.map((p) => `${p.protocol}/${p.from === p.to ? p.from : `${p.from}-${p.to}`}`).join(" "), owner: "catalogue" })),
    ...custom.map((s) => ({ id: s.id, name: s.name, ports: `${s.protocol}/${s.portFrom === s.portTo ? s.portFrom : `${s.portFrom}-${s.portTo}`}`, owner: s.tenantId === null ? "(fleet)" : s.tenantId })),
  ];
  if (ctx.out.json) {
    ctx.out.data({ catalogue, custom });
    return;
  }
  const tenants = new Map((await allTenants(api)).map((t) => [t.id, t.name]));
  ctx.out.table(rows, [
    { header: "id", value: (r) => r.id },
    { header: "name", value: (r) => r.name },
    { header: "ports", value: (r) => r.ports },
    { header: "for", value: (r) => tenants.get(r.owner) ?? r.owner },
  ], "No services.");
}

async function addService(ctx: CommandContext, id: string, options: AddOptions): Promise<void> {
  const protocol = protocolOf(options.protocol);
  const ports = portsOf(options.port);
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const made = await api.customServices.create.mutate({ id, name: options.name, protocol, ...ports, ...(tenantId ? { tenantId } : {}) });
  ctx.out.result(made, `Service ${made.id} (${made.name}, ${made.protocol}/${made.portFrom === made.portTo ? made.portFrom : `${made.portFrom}-${made.portTo}`}) added for ${options.tenant ?? "the whole fleet"}; allow it with --services ${made.id}.`);
}

async function removeService(ctx: CommandContext, id: string): Promise<void> {
  const removed = await ctx.api().customServices.delete.mutate({ customServiceId: id });
  ctx.out.result(removed, `Service ${id} removed; entries naming it no longer open anything for it.`);
}

export function registerServiceCommands(program: Command): void {
  const services = program.command("services").description("services an entry may open: the catalogue and your own (one protocol, one port or range)");
  services.command("list").description("list the catalogue and the custom services you can use").option("--tenant <name|id>", "the services this tenant can use").action(withContext(listServices));
  services
    .command("add <id>")
    .description("add a custom service (without --tenant: for the whole fleet, MSP admins only)")
    .requiredOption("--name <name>", "what it is, e.g. \"Fax gateway\"")
    .requiredOption("--protocol <tcp|udp>", "its protocol")
    .requiredOption("--port <port|from-to>", "one port or a range, e.g. 9100 or 9100-9110")
    .option("--tenant <name|id>", "for this tenant's entries only")
    .addHelpText("after", "\nExample:\n  gatehouse services add fax --name \"Fax gateway\" --protocol udp --port 9100-9110 --tenant acme")
    .action(withContext(addService));
  services.command("remove <id>").description("remove a custom service").action(withContext(removeService));
}
