// `gatehouse presets list|enable|disable|add|edit|remove`: VoIP trunk providers' hosts, allowed
// with one switch for a tenant (all its servers) or one server. The shipped presets say where
// their hosts come from; MSP admins add, edit and remove presets of their own.
import type { Command } from "commander";
import type { Api, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { resolveServer, resolveTenant } from "../resolve.ts";

type Preset = ApiOutputs["presets"]["list"][number];

interface TargetOptions {
  tenant?: string;
  server?: string;
}

interface PresetOptions {
  name?: string;
  hosts?: string;
  services?: string;
  sourceUrl?: string;
  sourceNote?: string;
}

const listOf = (text: string) => text.split(",").map((item) => item.trim()).filter(Boolean);

/** A preset by id, or by its name (any case). */
async function resolvePreset(api: Api, nameOrId: string): Promise<Preset> {
  const presets = await api.presets.list.query({});
  const found = presets.find((p) => p.id === nameOrId) ?? presets.find((p) => p.name.toLowerCase() === nameOrId.toLowerCase());
  if (!found) throw new CliError(`no preset named ${nameOrId} (gatehouse presets list shows them)`);
  return found;
}

async function targetOf(api: Api, options: TargetOptions): Promise<{ tenantId: string } | { serverId: string }> {
  if (Boolean(options.tenant) === Boolean(options.server)) throw new CliError("give exactly one of --tenant NAME or --server NAME");
  if (options.server) return { serverId: (await resolveServer(api, options.server)).id };
  return { tenantId: (await resolveTenant(api, options.tenant ?? "")).id };
}

async function listPresets(ctx: CommandContext, options: { tenant?: string }): Promise<void> {
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const presets = await api.presets.list.query(tenantId ? { tenantId } : {});
  ctx.out.table(presets, [
    { header: "name", value: (p) => p.name },
    { header: "hosts", value: (p) => p.hostOrigins.map((h) => (h.origin === "srv" ? `${h.host} (SRV)` : h.host)).join(" ") },
    { header: "services", value: (p) => p.services.join(",") },
    { header: "on for", value: (p) => `${p.enablements.filter((e) => e.serverId === null).length} tenant(s), ${p.enablements.filter((e) => e.serverId !== null).length} server(s)${p.moreEnablements ? "+" : ""}` },
    { header: "kind", value: (p) => (p.builtIn ? "shipped" : "own") },
    { header: "source", value: (p) => p.sourceUrl },
    { header: "id", value: (p) => p.id },
  ], "No presets.");
}

async function enable(ctx: CommandContext, nameOrId: string, options: TargetOptions): Promise<void> {
  const api = ctx.api();
  const [preset, target] = await Promise.all([resolvePreset(api, nameOrId), targetOf(api, options)]);
  const switched = await api.presets.enable.mutate({ presetId: preset.id, ...target });
  ctx.out.result(switched, `${preset.name} switched on for ${options.server ? `server ${options.server}` : `every server of ${options.tenant}`}.`);
}

async function disable(ctx: CommandContext, nameOrId: string, options: TargetOptions): Promise<void> {
  const api = ctx.api();
  const [preset, target] = await Promise.all([resolvePreset(api, nameOrId), targetOf(api, options)]);
  const serverId = "serverId" in target ? target.serverId : null;
  const tenantId = "tenantId" in target ? target.tenantId : undefined;
  const found = (await api.presets.list.query(serverId ? { serverId } : { tenantId })).find((p) => p.id === preset.id);
  const enablement = found?.enablements.find((e) => e.serverId === serverId && (tenantId === undefined || e.tenantId === tenantId));
  if (!enablement) throw new CliError(`${preset.name} is not switched on ${serverId ? `for server ${options.server}` : `for tenant ${options.tenant}`}`);
  const answer = await api.presets.disable.mutate({ presetEnablementId: enablement.id });
  ctx.out.result(answer, `${preset.name} switched off ${serverId ? `for server ${options.server}` : `for every server of ${options.tenant}`}.`);
}

function fieldsOf(options: PresetOptions) {
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.hosts !== undefined ? { hosts: listOf(options.hosts) } : {}),
    ...(options.services !== undefined ? { services: listOf(options.services) } : {}),
    ...(options.sourceUrl !== undefined ? { sourceUrl: options.sourceUrl === "" ? null : options.sourceUrl } : {}),
    ...(options.sourceNote !== undefined ? { sourceNote: options.sourceNote === "" ? null : options.sourceNote } : {}),
  };
}

async function addPreset(ctx: CommandContext, name: string, options: PresetOptions & { hosts: string; services: string }): Promise<void> {
  const made = await ctx.api().presets.create.mutate({ ...fieldsOf(options), name, hosts: listOf(options.hosts), services: listOf(options.services) });
  ctx.out.result(made, `Preset ${made.name} added (id ${made.id}): ${made.hosts.join(", ")} for ${made.services.join(", ")}. Switch it on with \`gatehouse presets enable "${made.name}" --tenant NAME\`.`);
}

async function editPreset(ctx: CommandContext, nameOrId: string, options: PresetOptions): Promise<void> {
  const changes = fieldsOf(options);
  if (Object.keys(changes).length === 0) throw new CliError("nothing to change: give --name, --hosts, --services, --source-url or --source-note");
  const api = ctx.api();
  const preset = await resolvePreset(api, nameOrId);
  const changed = await api.presets.update.mutate({ presetId: preset.id, ...changes });
  ctx.out.result(changed, `Preset ${changed.name} changed: ${changed.hosts.join(", ")} for ${changed.services.join(", ")}; every server it is on for gets the change.`);
}

async function removePreset(ctx: CommandContext, nameOrId: string): Promise<void> {
  const api = ctx.api();
  const preset = await resolvePreset(api, nameOrId);
  const removed = await api.presets.delete.mutate({ presetId: preset.id });
  ctx.out.result(removed, `Preset ${removed.name} removed${removed.switches ? ` with its ${removed.switches} switch(es)` : ""}.`);
}

function presetOptions(command: Command): Command {
  return command
    .option("--source-url <url>", "the provider's page that lists these hosts")
    .option("--source-note <text>", "where the hosts come from and when");
}

export function registerPresetCommands(program: Command): void {
  const presets = program.command("presets").description("provider presets: a VoIP trunk provider's hosts, switched on for a tenant or one server");
  presets.command("list").description("list the presets, where each is switched on and where its hosts come from").option("--tenant <name|id>", "switches of this tenant").action(withContext(listPresets));
  presets.command("enable <preset>").description("switch a preset on (by name or id)").option("--tenant <name|id>", "for every server of this tenant").option("--server <name|id>", "for this server only").action(withContext(enable));
  presets.command("disable <preset>").description("switch a preset off").option("--tenant <name|id>", "the tenant-wide switch").option("--server <name|id>", "the switch of this server").action(withContext(disable));
  presetOptions(
    presets
      .command("add <name>")
      .description("add a preset of your own (MSP admins)")
      .requiredOption("--hosts <list>", "comma-separated addresses, networks, host names or srv:<SIP domain>")
      .requiredOption("--services <list>", "comma-separated catalogue services, e.g. sip,rtp"),
  )
    .addHelpText("after", '\nExample:\n  gatehouse presets add "Acme carrier" --hosts sip.carrier.example,198.51.100.0/28 --services sip,rtp --source-url https://carrier.example/ips')
    .action(withContext(addPreset));
  presetOptions(
    presets
      .command("edit <preset>")
      .description("change a preset of your own (MSP admins); the servers it is on for get the change")
      .option("--name <name>", "a new name")
      .option("--hosts <list>", "the new host list (replaces the old)")
      .option("--services <list>", "the new services"),
  ).action(withContext(editPreset));
  presets.command("remove <preset>").description("remove a preset of your own and every switch of it (MSP admins)").action(withContext(removePreset));
}
