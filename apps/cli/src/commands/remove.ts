// `gatehouse remove ENTRY-ID|SOURCE` (Travelin' Man 3's `del-acct`). A source may be allowed in
// several scopes; the scope flags say which, and an ambiguous removal is refused with the
// candidates listed rather than guessed.
import type { Command } from "commander";
import { parseSource } from "@gatehouse/core";
import type { Api } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { loadDirectory, scopeLabel } from "../directory.ts";
import { listEntries, servicesText, shortId, type Entry, type EntryFilter } from "../entry-table.ts";
import { CliError } from "../errors.ts";
import { looksLikeId } from "../resolve.ts";
import { addScopeOptions, resolveScope, type ScopeFlags } from "../scope.ts";

interface RemoveOptions extends ScopeFlags {
  all?: boolean;
}

/** Hex without dots or colons can be neither an address nor a host name: an id prefix. */
function looksLikeIdPrefix(text: string): boolean {
  return /^[0-9a-f-]{6,}$/i.test(text) && !looksLikeId(text);
}

/**
 * The broadest floors parseSource takes (a prefix of at least one bit): an entry the control
 * plane stored under its own floors is read back here whatever they are configured to.
 */
const ANY_STORED_PREFIX = { ipv4Floor: 1, ipv6Floor: 1 } as const;

/** The source as the control plane stores it, so `PBX.Example.COM.` finds pbx.example.com. */
function canonicalSource(text: string): string {
  try {
    return parseSource(text, ANY_STORED_PREFIX).canonical;
  } catch {
    // Not a source the control plane could have stored; the list will say it matches nothing.
    return text.trim().toLowerCase();
  }
}

async function findEntries(api: Api, what: string, options: RemoveOptions): Promise<Entry[]> {
  if (looksLikeIdPrefix(what)) {
    const prefix = what.toLowerCase();
    return (await listEntries(api, { includeExpired: true })).filter((e) => e.id.startsWith(prefix));
  }
  const source = canonicalSource(what);
  const scope = await resolveScope(api, options, false);
  const filter: EntryFilter = { source, includeExpired: true };
  if (scope) {
    filter.scope = scope.target.kind;
    if ("tenantId" in scope.target) filter.tenantId = scope.target.tenantId;
    if ("group" in scope.target) filter.group = scope.target.group;
  }
  const serverId = scope?.target.kind === "SERVER" ? scope.target.serverId : undefined;
  return (await listEntries(api, filter)).filter((e) => e.source === source && (serverId === undefined || e.serverId === serverId));
}

async function remove(ctx: CommandContext, what: string, options: RemoveOptions): Promise<void> {
  const api = ctx.api();
  const matches = looksLikeId(what) ? [{ id: what } as Pick<Entry, "id">] : await findEntries(api, what, options);
  if (matches.length === 0) {
    throw new CliError(`no allow entry matches ${what}${hasScope(options) ? " in that scope" : ""} (see \`gatehouse list --source ${what}\`)`);
  }
  if (matches.length > 1 && !options.all) {
    const directory = await loadDirectory(api);
    const listed = (matches as Entry[]).map((e) => `${shortId(e.id)} ${e.source} on ${scopeLabel(e, directory)}`).join("; ");
    throw new CliError(`${what} matches ${matches.length} entries (${listed}): add --server/--tenant/--group/--fleet, give the entry id, or --all`);
  }
  const directory = await loadDirectory(api);
  const removed: Entry[] = [];
  for (const match of matches) removed.push(await api.entries.remove.mutate({ entryId: match.id }));
  ctx.out.result(
    removed,
    removed.map((e) => `Removed ${e.source} (${servicesText(e.services)}) from ${scopeLabel(e, directory)} (entry ${shortId(e.id)}).`).join("\n"),
  );
}

function hasScope(options: ScopeFlags): boolean {
  return Boolean(options.server || options.tenant || options.group || options.fleet);
}

export function registerRemoveCommands(program: Command): void {
  for (const name of ["remove", "del-acct"]) {
    const command = program
      .command(`${name} <entry>`)
      .description(
        name === "remove"
          ? "remove an allow entry, by id (or its first 8 characters) or by source"
          : "remove an allow entry (Travelin' Man 3's del-acct; same as `remove`)",
      )
      .option("--all", "remove every entry the source matches");
    addScopeOptions(command, "the entry on");
    command
      .addHelpText("after", `\nExamples:\n  gatehouse ${name} 198.51.100.7 --server pbx1\n  gatehouse ${name} 3f2a9c1e`)
      .action(withContext(remove));
  }
}
