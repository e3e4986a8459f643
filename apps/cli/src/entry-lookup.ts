// Which allow entry an operator means: an id, its first characters, or a source (canonical, so
// `PBX.Example.COM.` finds pbx.example.com), narrowed by the scope flags. A source may be
// allowed in several scopes; an ambiguous match is refused with the candidates listed rather
// than guessed (`remove` and `allow edit` share this).
import { parseSource } from "@gatehouse/core";
import type { Api } from "./api.ts";
import { loadDirectory, scopeLabel } from "./directory.ts";
import { listEntries, shortId, type Entry, type EntryFilter } from "./entry-table.ts";
import { CliError } from "./errors.ts";
import { looksLikeId } from "./resolve.ts";
import { resolveScope, type ScopeFlags } from "./scope.ts";

/** Hex without dots or colons can be neither an address nor a host name: an id prefix. */
function looksLikeIdPrefix(text: string): boolean {
  return /^[0-9a-f-]{6,}$/i.test(text) && !looksLikeId(text);
}

/**
 * The broadest floors parseSource takes (a prefix of at least one bit): an entry the control
 * plane stored under its own floors is read back here whatever they are configured to.
 */
const ANY_STORED_PREFIX = { ipv4Floor: 1, ipv6Floor: 1 } as const;

function canonicalSource(text: string): string {
  try {
    return parseSource(text, ANY_STORED_PREFIX).canonical;
  } catch {
    // Not a source the control plane could have stored; the list will say it matches nothing.
    return text.trim().toLowerCase();
  }
}

function hasScope(options: ScopeFlags): boolean {
  return Boolean(options.server || options.tenant || options.group || options.fleet);
}

/** Every entry `what` names (an exact id is taken as is, without a lookup). */
export async function findEntries(api: Api, what: string, options: ScopeFlags): Promise<Pick<Entry, "id">[] | Entry[]> {
  if (looksLikeId(what)) return [{ id: what }];
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

export function noMatch(what: string, options: ScopeFlags): CliError {
  return new CliError(`no allow entry matches ${what}${hasScope(options) ? " in that scope" : ""} (see \`gatehouse list --source ${what}\`)`);
}

export async function ambiguous(api: Api, what: string, matches: Entry[], advice: string): Promise<CliError> {
  const directory = await loadDirectory(api);
  const listed = matches.map((e) => `${shortId(e.id)} ${e.source} on ${scopeLabel(e, directory)}`).join("; ");
  return new CliError(`${what} matches ${matches.length} entries (${listed}): ${advice}`);
}

/** The one entry `what` names, or a one-line refusal. */
export async function findOneEntry(api: Api, what: string, options: ScopeFlags): Promise<{ id: string }> {
  const matches = await findEntries(api, what, options);
  if (matches.length === 0) throw noMatch(what, options);
  if (matches.length > 1) throw await ambiguous(api, what, matches as Entry[], "add --server/--tenant/--group/--fleet or give the entry id");
  return matches[0]!;
}
