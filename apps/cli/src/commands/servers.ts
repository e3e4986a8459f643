// `gatehouse servers add|list|enroll|revoke|delete` (show and edit: server-settings.ts). Adding
// a server prints the complete install to paste on the new host; its one-time token is shown
// only here (and by enroll, which makes a new one).
import { type Command, Option } from "commander";
import type { ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { allServers, type Server } from "../lists.ts";
import { CliError } from "../errors.ts";
import { ago, shortTime } from "../output.ts";
import { resolveServer, resolveTenant } from "../resolve.ts";
import { registerServerSettingsCommands } from "./server-settings.ts";

type Enrollment = ApiOutputs["servers"]["create"]["enrollment"];

interface AddOptions {
  tenant: string;
  tags?: string;
  adminAddress?: string;
  adminIp?: string;
  provider?: string;
  region?: string;
}

function splitList(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : text.split(",").map((s) => s.trim()).filter(Boolean);
}

const indent = (text: string) => text.split("\n").map((line) => `  ${line}`).join("\n");

function enrollmentText(enrollment: Enrollment): string {
  const until = `the token works once, until ${shortTime(enrollment.expiresAt)}`;
  const lines = enrollment.install
    ? [
        `On the new server, as root, run (it needs Node.js 20 or later; ${until}):`,
        "",
        indent(enrollment.install),
        "",
        "It downloads gatehouse-agent and its systemd unit from the control plane, checks their SHA-256,",
        "enrolls and starts the agent. Where the agent is already installed, enrolling is enough:",
        "",
        indent(enrollment.command),
      ]
    : [`On the new server, as root, run (${until}):`, "", indent(enrollment.command)];
  return [...lines, ...enrollment.notes.map((note) => `\nNote: ${note}`)].join("\n");
}

async function addServer(ctx: CommandContext, name: string, options: AddOptions): Promise<void> {
  const api = ctx.api();
  const tenant = await resolveTenant(api, options.tenant);
  const created = await api.servers.create.mutate({
    tenantId: tenant.id,
    name,
    tags: splitList(options.tags),
    primaryAdminSource: options.adminAddress ?? options.adminIp,
    provider: options.provider,
    region: options.region,
  });
  const noAdmin = created.server.primaryAdminSource === null
    ? ["", "Warning: no primary admin address: only the allowlist (and the LAN ranges) will reach this server. Set one with `gatehouse servers edit " + created.server.name + " --admin-address ADDRESS`."]
    : [];
  ctx.out.result(created, [`Server ${created.server.name} added to tenant ${tenant.name} (id ${created.server.id}).`, enrollmentText(created.enrollment), ...noAdmin].join("\n"));
}

interface ListOptions {
  tenant?: string;
  tag?: string;
  status?: Server["status"];
}

async function listServers(ctx: CommandContext, options: ListOptions): Promise<void> {
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const servers = await allServers(api, { tenantId, tag: options.tag, status: options.status });
  ctx.out.table<Server>(servers, [
    { header: "name", value: (s) => s.name },
    { header: "tenant", value: (s) => s.tenantName },
    { header: "status", value: (s) => s.status },
    { header: "online", value: (s) => s.online },
    { header: "tags", value: (s) => s.tags.join(",") },
    { header: "admin source", value: (s) => s.primaryAdminSource },
    { header: "revision", value: (s) => `${s.appliedRevision ?? "-"}/${s.revision}` },
    { header: "last seen", value: (s) => (s.status === "pending" ? "" : ago(s.lastSeenAt)) },
    { header: "id", value: (s) => s.id },
  ], "No servers yet: add one with `gatehouse servers add NAME --tenant TENANT`.");
}

async function enrollToken(ctx: CommandContext, serverName: string): Promise<void> {
  const api = ctx.api();
  const server = await resolveServer(api, serverName);
  const enrollment = await api.servers.regenerateEnrollment.mutate({ serverId: server.id });
  ctx.out.result(enrollment, `New enrollment token for ${server.tenantName}/${server.name}.\n${enrollmentText(enrollment)}`);
}

interface DeleteOptions {
  yes?: boolean;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

async function deleteServer(ctx: CommandContext, serverName: string, options: DeleteOptions): Promise<void> {
  const api = ctx.api();
  const { id } = await resolveServer(api, serverName);
  const server = await api.servers.get.query({ serverId: id });
  const taken = [plural(server.deletedWithIt.entries, "server entry", "server entries"), plural(server.deletedWithIt.presetSwitches, "preset switch", "preset switches")].filter((text) => !text.startsWith("0 "));
  const label = `${server.tenantName}/${server.name}`;
  const withIt = taken.length > 0 ? ` with its ${taken.join(" and ")}` : "";
  if (!options.yes) {
    const agent = server.status === "enrolled" ? "; its agent is disconnected and keeps its last rules until `gatehouse-agent uninstall`" : "";
    throw new CliError(`deleting server ${label} cannot be undone (${taken.length > 0 ? `it takes its ${taken.join(" and ")} with it` : "it has no entries of its own"}${agent}): add --yes to delete it`);
  }
  const result = await api.servers.delete.mutate({ serverId: id });
  ctx.out.result(result, `Server ${label} deleted${withIt}.`);
}

async function revokeServer(ctx: CommandContext, serverName: string): Promise<void> {
  const api = ctx.api();
  const { id, tenantName, name } = await resolveServer(api, serverName);
  const server = await api.servers.revoke.mutate({ serverId: id });
  ctx.out.result(server, [
    `Server ${tenantName}/${name} revoked: its credential no longer works and its agent was disconnected.`,
    "The agent stops (exit code 3) and leaves its last rules in place; `gatehouse-agent uninstall` on the host removes them.",
    `To enroll it again: gatehouse servers enroll ${tenantName}/${name}`,
  ].join("\n"));
}

export function registerServerCommands(program: Command): void {
  const servers = program.command("servers").description("PBX servers: add (prints the install command), list, show, edit, enroll, revoke, delete");

  servers
    .command("add <name>")
    .description("add a server and print the command that enrolls its agent")
    .requiredOption("--tenant <name|id>", "the tenant it belongs to")
    .option("--tags <groups>", "server groups, comma-separated (for --group entries)")
    .option("--admin-address <source>", "primary admin address or host name, always allowed (without one, only the allowlist reaches the server)")
    .addOption(new Option("--admin-ip <source>").hideHelp())
    .option("--provider <name>", "hosting provider, e.g. digitalocean, vultr")
    .option("--region <region>", "provider region")
    .addHelpText("after", "\nExample:\n  gatehouse servers add pbx1 --tenant acme --tags sales --admin-address 203.0.113.10")
    .action(withContext(addServer));

  servers
    .command("list")
    .description("list servers")
    .option("--tenant <name|id>", "servers of this tenant")
    .option("--tag <group>", "servers in this group")
    .addOption(new Option("--status <status>", "enrollment status").choices(["pending", "enrolled", "revoked"]))
    .action(withContext(listServers));

  registerServerSettingsCommands(servers);

  servers
    .command("enroll <server>")
    .alias("enroll-token")
    .description("issue a new one-time enrollment token and its install command (the old token stops working); also enrolls a revoked server again")
    .action(withContext(enrollToken));

  servers
    .command("revoke <server>")
    .description("cut a server's agent off: its credential stops working, it keeps its last rules and follows no change (enroll enrolls it again)")
    .action(withContext(revokeServer));

  servers
    .command("delete <server>")
    .description("delete a server with its server entries and preset switches (its agent is disconnected)")
    .option("--yes", "really delete it (without it, the command only says what the delete would take)")
    .action(withContext(deleteServer));
}
