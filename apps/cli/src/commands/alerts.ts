// `gatehouse alerts list|add|remove|test`: who is told when a server goes offline, drifts, rolls
// back, cannot resolve an FQDN, or a traveler or operator is locked out. A rule belongs to a
// tenant (--tenant) or, for MSP admins, to the whole fleet. A webhook's signing secret is printed
// once, by add.
import type { Command } from "commander";
import type { ApiInputs, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { allTenants } from "../lists.ts";
import { shortTime } from "../output.ts";
import { resolveTenant } from "../resolve.ts";

type AlertRule = ApiOutputs["alerts"]["list"][number];
type NewRule = ApiInputs["alerts"]["add"];
type Kind = NewRule["kinds"][number];

const KINDS: readonly Kind[] = ["server.offline", "server.drift", "server.rolled_back", "server.fqdn_unresolved", "traveler.locked_out", "operator.locked_out"];

interface AddOptions {
  tenant?: string;
  email?: string;
  webhook?: string;
  on: string;
}

function kindsOf(text: string): Kind[] {
  const kinds = text.split(",").map((item) => item.trim()).filter(Boolean);
  const unknown = kinds.filter((kind) => !(KINDS as readonly string[]).includes(kind));
  if (kinds.length === 0 || unknown.length > 0) throw new CliError(`--on ${text}: expected a comma-separated list of ${KINDS.join(", ")}`);
  return kinds as Kind[];
}

async function addRule(ctx: CommandContext, name: string, options: AddOptions): Promise<void> {
  if (Boolean(options.email) === Boolean(options.webhook)) throw new CliError("give exactly one of --email ADDRESS or --webhook URL");
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const kinds = kindsOf(options.on);
  const channel = options.email ? ({ channel: "EMAIL", email: options.email } as const) : ({ channel: "WEBHOOK", webhookUrl: options.webhook ?? "" } as const);
  const added = await api.alerts.add.mutate({ name, kinds, ...(tenantId ? { tenantId } : {}), ...channel });
  const secret = added.webhookSecret
    ? `\nSigning secret (shown once; verify X-Gatehouse-Signature with it): ${added.webhookSecret}`
    : "";
  ctx.out.result(added, `Alert rule ${added.rule.name} added (id ${added.rule.id}): ${kinds.join(", ")} → ${target(added.rule)}.${secret}`);
}

function target(rule: AlertRule): string {
  return rule.channel === "EMAIL" ? (rule.email ?? "") : (rule.webhookUrl ?? "");
}

async function listRules(ctx: CommandContext, options: { tenant?: string }): Promise<void> {
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const [rules, tenants] = await Promise.all([api.alerts.list.query(tenantId ? { tenantId } : {}), allTenants(api)]);
  const tenantName = new Map(tenants.map((tenant) => [tenant.id, tenant.name]));
  ctx.out.table(rules, [
    { header: "name", value: (r) => r.name },
    { header: "tenant", value: (r) => (r.tenantId === null ? "(fleet)" : (tenantName.get(r.tenantId) ?? r.tenantId.slice(0, 8))) },
    { header: "on", value: (r) => r.kinds.join(",") },
    { header: "to", value: (r) => target(r) },
    { header: "created", value: (r) => shortTime(r.createdAt) },
    { header: "id", value: (r) => r.id },
  ], "No alert rules yet: add one with `gatehouse alerts add NAME --on server.offline --email ops@example.net`.");
}

/** A rule by id, or by its name when exactly one visible rule has it. */
async function resolveRule(ctx: CommandContext, nameOrId: string): Promise<AlertRule> {
  const rules = await ctx.api().alerts.list.query({});
  const byId = rules.find((rule) => rule.id === nameOrId);
  if (byId) return byId;
  const named = rules.filter((rule) => rule.name === nameOrId);
  if (named.length === 1 && named[0]) return named[0];
  if (named.length > 1) throw new CliError(`${named.length} alert rules are named ${nameOrId}: give the id (gatehouse alerts list)`);
  throw new CliError(`no alert rule ${nameOrId} (gatehouse alerts list shows them)`);
}

async function removeRule(ctx: CommandContext, nameOrId: string): Promise<void> {
  const rule = await resolveRule(ctx, nameOrId);
  const removed = await ctx.api().alerts.remove.mutate({ alertRuleId: rule.id });
  ctx.out.result(removed, `Alert rule ${removed.name} removed.`);
}

async function testRule(ctx: CommandContext, nameOrId: string): Promise<void> {
  const rule = await resolveRule(ctx, nameOrId);
  const queued = await ctx.api().alerts.test.mutate({ alertRuleId: rule.id });
  ctx.out.result(queued, `Test alert queued for ${rule.name} → ${target(rule)} (delivery ${queued.deliveryId}); failures are retried and audited (gatehouse audit --target ${rule.id}).`);
}

export function registerAlertCommands(program: Command): void {
  const alerts = program.command("alerts").description("alert rules: who is told, by e-mail or signed webhook, when something goes wrong");
  alerts.command("list").description("list alert rules").option("--tenant <name|id>", "rules of this tenant").action(withContext(listRules));
  alerts
    .command("add <name>")
    .description("add an alert rule (without --tenant: a fleet rule, MSP admins only)")
    .requiredOption("--on <kinds>", `comma-separated: ${KINDS.join(", ")}`)
    .option("--tenant <name|id>", "alerts about this tenant's servers and travelers")
    .option("--email <address>", "mail the alerts to this address")
    .option("--webhook <url>", "post the alerts (Slack-compatible JSON, signed) to this https URL")
    .addHelpText("after", "\nExamples:\n  gatehouse alerts add on-call --tenant acme --on server.offline,server.drift --email oncall@acme.example\n  gatehouse alerts add noc --on server.offline --webhook https://hooks.slack.com/services/T0/B0/XXXX")
    .action(withContext(addRule));
  alerts.command("remove <rule>").description("remove an alert rule (by name or id)").action(withContext(removeRule));
  alerts.command("test <rule>").description("send a test alert through a rule (by name or id)").action(withContext(testRule));
}
