// `gatehouse audit`: who changed what, newest first.
import type { Command } from "commander";
import type { Api, ApiInputs, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { parseDuration } from "../expiry.ts";
import { shortTime } from "../output.ts";
import { allOperators, allServers } from "../lists.ts";
import { resolveTenant } from "../resolve.ts";

type AuditEvent = ApiOutputs["audit"]["list"]["events"][number];
type AuditFilter = Omit<Exclude<ApiInputs["audit"]["list"], void | undefined>, "limit" | "cursor">;

/** The API answers at most this many events a page (fewer when they are large). */
const PAGE = 100;

interface AuditOptions {
  tenant?: string;
  action?: string;
  actor?: string;
  target?: string;
  since?: string;
  limit: string;
}

/** --since takes a look-back ("2h", "7d") or an ISO date. */
function sinceInstant(text: string): string {
  const lookBack = parseDuration(text);
  if (lookBack !== undefined) return new Date(Date.now() - lookBack).toISOString();
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new CliError(`--since ${text}: expected a look-back like 2h or 7d, or an ISO date`);
  return at.toISOString();
}

async function audit(ctx: CommandContext, options: AuditOptions): Promise<void> {
  const api = ctx.api();
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CliError(`--limit ${options.limit}: expected 1 to 500`);
  const filter: AuditFilter = {};
  if (options.tenant) filter.tenantId = (await resolveTenant(api, options.tenant)).id;
  if (options.action) filter.action = options.action;
  if (options.actor) filter.actor = options.actor;
  if (options.target) filter.targetId = options.target;
  if (options.since) filter.from = sinceInstant(options.since);
  const [events, names] = await Promise.all([listEvents(api, filter, limit), loadNames(api)]);
  ctx.out.table<AuditEvent>(events, [
    { header: "at", value: (e) => shortTime(e.at) },
    { header: "actor", value: (e) => actorLabel(e.actor, names) },
    { header: "action", value: (e) => e.action },
    { header: "target", value: (e) => targetLabel(e, names) },
    { header: "detail", value: (e) => detail(e) },
  ], "No audit events match.");
}

async function listEvents(api: Api, filter: AuditFilter, max: number): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.audit.list.query({ ...filter, limit: Math.min(PAGE, max - events.length), cursor });
    events.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && events.length < max);
  return events;
}

/** Emails of operators and names of servers the caller can see, for readable columns. */
async function loadNames(api: Api): Promise<Map<string, string>> {
  const [operators, servers] = await Promise.all([
    allOperators(api).catch(() => []),
    allServers(api).catch(() => []),
  ]);
  return new Map([
    ...operators.map((o) => [o.id, o.email] as const),
    ...servers.map((s) => [s.id, `${s.tenantName}/${s.name}`] as const),
  ]);
}

/** "operator:<uuid>" -> "ops@example.net", "agent:<serverId>" -> "agent acme/pbx1". */
function actorLabel(actor: string, names: Map<string, string>): string {
  const [kind, id] = actor.split(":", 2);
  const name = id ? names.get(id) : undefined;
  if (!name) return actor;
  return kind === "operator" ? name : `${kind} ${name}`;
}

function targetLabel(event: AuditEvent, names: Map<string, string>): string {
  if (!event.targetType) return "";
  if (!event.targetId) return event.targetType;
  return `${event.targetType} ${names.get(event.targetId) ?? event.targetId.slice(0, 8)}`;
}

/** The most telling field of the change: the source of an entry, the name of a server... */
function detail(event: AuditEvent): string {
  const state = (event.after ?? event.before) as Record<string, unknown> | null;
  if (!state || typeof state !== "object") return "";
  for (const key of ["source", "name", "address", "email", "accountNumber"]) {
    const value = state[key];
    if (typeof value === "string") return value;
  }
  return "";
}

export function registerAuditCommands(program: Command): void {
  program
    .command("audit")
    .description("show the audit log, newest first")
    .option("--tenant <name|id>", "events of this tenant")
    .option("--action <action>", "an action (entry.created) or a prefix ending in '.' (entry.)")
    .option("--actor <actor>", "operator:<id>, traveler:<id>, agent:<serverId> or system")
    .option("--target <id>", "events about this entry, server, traveler... id")
    .option("--since <when>", "from this long ago (2h, 7d) or this ISO date")
    .option("--limit <n>", "at most this many events (1-500)", "50")
    .addHelpText("after", "\nExamples:\n  gatehouse audit --action entry. --since 1d\n  gatehouse audit --tenant acme --json")
    .action(withContext(audit));
}
