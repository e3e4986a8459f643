// `gatehouse list`: allow entries, filtered. `--server pbx1` lists everything that reaches
// that server (fleet, its tenant, its groups, itself), which is what an operator asks when
// someone "cannot get in".
import { type Command, Option } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { loadDirectory } from "../directory.ts";
import { entryColumns, listEntries, type EntryFilter } from "../entry-table.ts";
import { CliError } from "../errors.ts";
import { resolveServer, resolveTenant } from "../resolve.ts";

interface ListOptions {
  server?: string;
  tenant?: string;
  group?: string;
  fleet?: boolean;
  source?: string;
  origin?: "operator" | "provider" | "traveler";
  expired?: boolean;
  limit?: string;
}

async function buildFilter(ctx: CommandContext, options: ListOptions): Promise<EntryFilter> {
  const api = ctx.api();
  const filter: EntryFilter = { includeExpired: Boolean(options.expired) };
  if (options.server) filter.serverId = (await resolveServer(api, options.server)).id;
  if (options.tenant) filter.tenantId = (await resolveTenant(api, options.tenant)).id;
  if (options.group) {
    const [tenantName, group] = options.group.split(":");
    if (!tenantName || !group) throw new CliError(`--group ${options.group}: expected TENANT:GROUP, e.g. acme:sales`);
    filter.tenantId = (await resolveTenant(api, tenantName)).id;
    filter.scope = "GROUP";
    filter.group = group;
  }
  if (options.fleet) filter.scope = "FLEET";
  if (options.source) filter.source = options.source;
  if (options.origin) filter.origin = options.origin.toUpperCase() as EntryFilter["origin"];
  return filter;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return Number.POSITIVE_INFINITY;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit ${text}: expected a whole number of at least 1`);
  return limit;
}

async function list(ctx: CommandContext, options: ListOptions): Promise<void> {
  const api = ctx.api();
  const [entries, directory] = await Promise.all([
    buildFilter(ctx, options).then((filter) => listEntries(api, filter, parseLimit(options.limit))),
    loadDirectory(api),
  ]);
  ctx.out.table(entries, entryColumns(directory), "No allow entries match.");
}

export function registerListCommand(program: Command): void {
  program
    .command("list")
    .description("list allow entries")
    .option("--server <name|id>", "entries that reach this server (fleet, tenant, group and server entries)")
    .option("--tenant <name|id>", "entries of this tenant")
    .option("--group <tenant:group>", "entries scoped to this server group")
    .option("--fleet", "fleet-wide entries only")
    .option("--source <text>", "sources containing this text")
    .addOption(new Option("--origin <origin>", "who created them").choices(["operator", "provider", "traveler"]))
    .option("--expired", "include expired entries")
    .option("--limit <n>", "at most this many (newest first)")
    .addHelpText("after", "\nExamples:\n  gatehouse list --server pbx1\n  gatehouse list --tenant acme --json")
    .action(withContext(list));
}
