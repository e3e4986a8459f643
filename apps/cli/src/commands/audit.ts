// `gatehouse audit`: who changed what, newest first.
import type { Command } from "commander";
import type { ApiInputs, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { parseDuration } from "../expiry.ts";
import { shortTime } from "../output.ts";
import { resolveTenant } from "../resolve.ts";

type AuditEvent = ApiOutputs["audit"]["list"]["events"][number];
type AuditFilter = Exclude<ApiInputs["audit"]["list"], void | undefined>;

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
  const filter: AuditFilter = { limit };
  if (options.tenant) filter.tenantId = (await resolveTenant(api, options.tenant)).id;
  if (options.action) filter.action = options.action;
  if (options.actor) filter.actor = options.actor;
  if (options.target) filter.targetId = options.target;
  if (options.since) filter.from = sinceInstant(options.since);
  const { events } = await api.audit.list.query(filter);
  ctx.out.table<AuditEvent>(events, [
    { header: "at", value: (e) => shortTime(e.at) },
    { header: "actor", value: (e) => e.actor },
    { header: "action", value: (e) => e.action },
    { header: "target", value: (e) => (e.targetType ? `${e.targetType} ${e.targetId ?? ""}`.trim() : "") },
    { header: "detail", value: (e) => detail(e) },
  ], "No audit events match.");
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
