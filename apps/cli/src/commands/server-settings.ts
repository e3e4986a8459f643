// `gatehouse servers show|edit` (edit is also `set`): the base policy a server's agent enforces besides the allowlist
// (its LAN ranges, open to every port; RTP media open to everyone or only to allowed sources;
// the primary admin address, always allowed) and its names and groups. The control plane's
// parser decides what a range or an address is; the CLI only splits the lists.
import { InvalidArgumentError, Option, type Command } from "commander";
import { SERVICE_CATALOGUE } from "@gatehouse/core";
import type { ApiInputs, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { fqdnAnswersText } from "../fqdn-answers-text.ts";
import { ago } from "../output.ts";
import { resolveServer } from "../resolve.ts";

type ServerDetail = ApiOutputs["servers"]["update"];
type ServerUpdate = ApiInputs["servers"]["update"];

const NONE = "none";
/** What a new server gets (prisma/schema.prisma): right for a PBX in an office, rarely on a cloud VPS. */
const DEFAULT_LAN_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

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
  const [{ lastReport: _report, ...server }, { fqdnAnswers }] = await Promise.all([api.servers.get.query({ serverId: id }), api.fleet.server.query({ serverId: id })]);
  ctx.out.result({ ...server, fqdnAnswers }, [settingsText(server), ...fqdnAnswersText(fqdnAnswers), ...warnings(server)].join("\n"));
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

/** A list option given once or more (`--tag a --tag b`, or `--tag a,b`): the items of all. */
function accumulate(text: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...list(text)];
}

type Media = "open" | "allowed";

interface SetOptions {
  name?: string;
  tags?: string[];
  tag?: string[];
  adminAddress?: string;
  adminIp?: string;
  lan?: string[];
  lanRanges?: string[];
  media?: Media;
  mediaOpenToAll?: boolean;
  provider?: string;
  region?: string;
}

function updateOf(serverId: string, options: SetOptions): ServerUpdate {
  const none = (text: string | undefined) => (text === undefined ? undefined : text.toLowerCase() === NONE ? null : text);
  const update: ServerUpdate = {
    serverId,
    name: options.name,
    tags: options.tag ?? options.tags,
    primaryAdminSource: none(options.adminAddress ?? options.adminIp),
    lanRanges: options.lan ?? options.lanRanges,
    mediaOpenToAll: options.media === undefined ? options.mediaOpenToAll : options.media === "open",
    provider: options.provider,
    region: none(options.region),
  };
  return Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined)) as ServerUpdate;
}

async function setServer(ctx: CommandContext, serverName: string, options: SetOptions): Promise<void> {
  const api = ctx.api();
  const { id } = await resolveServer(api, serverName);
  const update = updateOf(id, options);
  if (Object.keys(update).length === 1) throw new CliError("nothing to change: give at least one setting (see `gatehouse servers edit --help`)");
  const server = await api.servers.update.mutate(update);
  ctx.out.result(server, [`Updated; ${appliedWhen(server)} (revision ${server.revision}).`, settingsText(server), ...warnings(server)].join("\n"));
}

function appliedWhen(server: ServerDetail): string {
  if (server.status === "revoked") return "the server is revoked: its agent follows no change until it is enrolled again";
  if (server.status === "pending") return "its agent gets it when it enrolls";
  return server.online ? "the agent applies it at once" : "the agent applies it when it connects again";
}

/** What an operator should fix: shown after every edit, and by show. */
function warnings(server: ServerDetail): string[] {
  const notes: string[] = [];
  if (!server.primaryAdminSource) notes.push("Warning: no primary admin address: only the allowlist (and the LAN ranges) reach this server; set one with --admin-address.");
  if (DEFAULT_LAN_RANGES.every((range) => server.lanRanges.includes(range))) {
    notes.push("Note: the LAN ranges are still the defaults, open on every port; on a cloud VPS those private ranges are usually the provider's network shared with other customers, not your office: narrow them (--lan) or set --lan none.");
  }
  return notes;
}

export function registerServerSettingsCommands(servers: Command): void {
  servers
    .command("show <server>")
    .description("a server's base policy (admin address, LAN ranges, media ports), groups, status and its host names as the agent resolved them")
    .action(withContext(showServer));

  servers
    .command("edit <server>")
    .alias("set")
    .description("change what a server's agent enforces besides the allowlist, or its name, groups, provider and region")
    .option("--name <name>", "rename the server")
    .option("--admin-address <source>", "primary admin address or host name (always allowed, every port), or none")
    .option("--lan <ranges>", "private ranges allowed for every port (comma-separated or repeated; replaces the list), or none", accumulate)
    .addOption(new Option("--media <who>", `who reaches the RTP media ports (${rtpPorts()}): open = everyone, allowed = only allowed sources`).choices(["open", "allowed"]))
    .option("--tag <group>", "server group (repeat it, or comma-separate; replaces the list), or none", accumulate)
    .option("--provider <name>", "hosting provider")
    .option("--region <region>", "provider region, or none")
    // The names `servers set` had before `edit`; scripts keep working.
    .addOption(new Option("--admin-ip <source>").hideHelp())
    .addOption(new Option("--lan-ranges <ranges>").argParser(list).hideHelp())
    .addOption(new Option("--media-open-to-all <true|false>").argParser(yesNo).hideHelp())
    .addOption(new Option("--tags <groups>").argParser(list).hideHelp())
    .addHelpText("after", "\nExample:\n  gatehouse servers edit pbx1 --admin-address 203.0.113.10 --lan 192.168.10.0/24 --media allowed --tag sales --tag east")
    .action(withContext(setServer));
}
