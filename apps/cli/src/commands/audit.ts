// `gatehouse audit`: who changed what, newest first, in words the control plane writes ("allowed
// 203.0.113.7 for RTP, SIP on pbx1"), or as CSV for a spreadsheet (--csv).
import type { Command } from "commander";
import type { Api, ApiInputs, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { parseDuration } from "../expiry.ts";
import { shortTime } from "../output.ts";
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
  csv?: boolean;
}

/** --since takes a look-back ("2h", "7d") or an ISO date. */
function sinceInstant(text: string): string {
  const lookBack = parseDuration(text);
  if (lookBack !== undefined) return new Date(Date.now() - lookBack).toISOString();
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new CliError(`--since ${text}: expected a look-back like 2h or 7d, or an ISO date`);
  return at.toISOString();
}

async function filterOf(api: Api, options: AuditOptions): Promise<AuditFilter> {
  const filter: AuditFilter = {};
  if (options.tenant) filter.tenantId = (await resolveTenant(api, options.tenant)).id;
  if (options.action) filter.action = options.action;
  if (options.actor) filter.actor = options.actor;
  if (options.target) filter.targetId = options.target;
  if (options.since) filter.from = sinceInstant(options.since);
  return filter;
}

async function audit(ctx: CommandContext, options: AuditOptions): Promise<void> {
  const api = ctx.api();
  const filter = await filterOf(api, options);
  if (options.csv) return exportCsv(api, filter);
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CliError(`--limit ${options.limit}: expected 1 to 500`);
  const events = await listEvents(api, filter, limit);
  ctx.out.table<AuditEvent>(events, [
    { header: "at", value: (e) => shortTime(e.at) },
    { header: "actor", value: (e) => e.actorName },
    { header: "action", value: (e) => e.action },
    { header: "what", value: (e) => e.summary },
    { header: "changes", value: (e) => changesText(e) },
  ], "No audit events match.");
}

/** The filtered events as CSV on stdout (the API makes it; formulas arrive defused). */
async function exportCsv(api: Api, filter: AuditFilter): Promise<void> {
  const exported = await api.audit.exportCsv.query(filter);
  process.stdout.write(exported.csv);
  if (exported.truncated) process.stderr.write(`only the newest ${exported.rows} events were exported; narrow the range with --since\n`);
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

/** "services: [\"sip\"] → [\"sip\",\"rtp\"]" for an update; nothing for a creation or removal. */
function changesText(event: AuditEvent): string {
  if (event.before === null || event.after === null) return "";
  return event.changes.map((change) => `${change.field}: ${change.before ?? "∅"} → ${change.after ?? "∅"}`).join("; ");
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
    .option("--csv", "print the matching events as CSV (up to 10,000, newest first; --limit does not apply)")
    .addHelpText("after", "\nExamples:\n  gatehouse audit --action entry. --since 1d\n  gatehouse audit --tenant acme --json\n  gatehouse audit --since 30d --csv > audit.csv")
    .action(withContext(audit));
}
