// `gatehouse servers show|set`: the base policy a server's agent enforces besides the allowlist
// (its LAN ranges, open to every port; RTP media open to everyone or only to allowed sources;
// the primary admin address, always allowed) and its names and groups. The control plane's
// parser decides what a range or an address is; the CLI only splits the lists.
import { InvalidArgumentError, type Command } from "commander";
import { SERVICE_CATALOGUE } from "@gatehouse/core";
import type { ApiInputs, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { ago } from "../output.ts";
import { resolveServer } from "../resolve.ts";

type ServerDetail = ApiOutputs["servers"]["update"];
type ServerUpdate = ApiInputs["servers"]["update"];

const NONE = "none";

function rtpPorts(): string {
  const rtp = SERVICE_CATALOGUE.find((service) => service.id === "rtp");
  return rtp?.ports.map((p) => `${p.protocol.toUpperCase()} ${p.from}-${p.to}`).join(", ") ?? "RTP";
}

function statusLine(server: ServerDetail): string {
  if (server.status === "pending") return "not enrolled yet";
  if (server.status === "revoked") return `revoked ${server.revokedAt ?? ""}`.trim();
  return `enrolled, ${server.online ? "online" : `offline (last seen ${ago(server.lastSeenAt)})`}`;
}

function settingsText(server: ServerDetail): string {
  const rows: [string, string][] = [
    ["status", statusLine(server)],
    ["revision", `applied ${server.appliedRevision ?? "-"} of ${server.revision}`],
    ["tags", server.tags.join(",") || "-"],
    ["provider", `${server.provider}${server.region ? ` (${server.region})` : ""}`],
    ["admin address", server.primaryAdminSource ? `${server.primaryAdminSource} (always allowed, every port)` : "none"],
    ["LAN ranges", server.lanRanges.length ? `${server.lanRanges.join(", ")} (allowed, every port)` : "none"],
    ["media ports", `${rtpPorts()} ${server.mediaOpenToAll ? "open to everyone" : "only for allowed sources"}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`Server ${server.tenantName}/${server.name} (id ${server.id})`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join("\n");
}

async function showServer(ctx: CommandContext, serverName: string): Promise<void> {
  const api = ctx.api();
  const { id } = await resolveServer(api, serverName);
  const { lastReport: _report, ...server } = await api.servers.get.query({ serverId: id });
  ctx.out.result(server, settingsText(server));
}

function yesNo(text: string): boolean {
  if (/^(true|yes|on|1)$/i.test(text)) return true;
  if (/^(false|no|off|0)$/i.test(text)) return false;
  throw new InvalidArgumentError("say true or false");
}

/** A comma-separated list; `none` (or nothing) is the empty list. */
function list(text: string): string[] {
  const items = text.split(",").map((item) => item.trim()).filter(Boolean);
  return items.length === 1 && items[0]!.toLowerCase() === NONE ? [] : items;
}

interface SetOptions {
  name?: string;
  tags?: string[];
  adminIp?: string;
  lanRanges?: string[];
  mediaOpenToAll?: boolean;
  provider?: string;
  region?: string;
}

function updateOf(serverId: string, options: SetOptions): ServerUpdate {
  const none = (text: string | undefined) => (text === undefined ? undefined : text.toLowerCase() === NONE ? null : text);
  const update: ServerUpdate = {
    serverId,
    name: options.name,
    tags: options.tags,
    primaryAdminSource: none(options.adminIp),
    lanRanges: options.lanRanges,
    mediaOpenToAll: options.mediaOpenToAll,
    provider: options.provider,
    region: none(options.region),
  };
  return Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined)) as ServerUpdate;
}

async function setServer(ctx: CommandContext, serverName: string, options: SetOptions): Promise<void> {
  const api = ctx.api();
  const { id } = await resolveServer(api, serverName);
  const update = updateOf(id, options);
  if (Object.keys(update).length === 1) throw new CliError("nothing to change: give at least one setting (see `gatehouse servers set --help`)");
  const server = await api.servers.update.mutate(update);
  ctx.out.result(server, `Updated; the agent applies it at once (revision ${server.revision}).\n${settingsText(server)}`);
}

export function registerServerSettingsCommands(servers: Command): void {
  servers
    .command("show <server>")
    .description("a server's base policy (admin address, LAN ranges, media ports), groups and status")
    .action(withContext(showServer));

  servers
    .command("set <server>")
    .description("change what a server's agent enforces besides the allowlist, or its name and groups")
    .option("--lan-ranges <ranges>", "private ranges allowed for every port, comma-separated, or none", list)
    .option("--media-open-to-all <true|false>", `RTP media (${rtpPorts()}) open to everyone, or only to allowed sources`, yesNo)
    .option("--admin-ip <source>", "primary admin address or host name (always allowed), or none")
    .option("--tags <groups>", "server groups, comma-separated (replaces the list), or none", list)
    .option("--name <name>", "rename the server")
    .option("--provider <name>", "hosting provider")
    .option("--region <region>", "provider region, or none")
    .addHelpText("after", "\nExample:\n  gatehouse servers set pbx1 --lan-ranges 192.168.10.0/24 --media-open-to-all=false --admin-ip 203.0.113.10")
    .action(withContext(setServer));
}
