// `gatehouse status`: the fleet at a glance — which agents are online and enforcing the
// revision they should, which drifted, which host names did not resolve — and a count of
// problems at the bottom.
import type { Command } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { allServerStatus, allTenants, type ServerStatus } from "../lists.ts";
import { ago } from "../output.ts";
import { resolveTenant } from "../resolve.ts";

interface StatusOptions {
  tenant?: string;
  tag?: string;
  problems?: boolean;
}

function online(s: ServerStatus): string {
  if (s.revoked) return "revoked";
  if (!s.enrolled) return "not enrolled";
  return s.online ? "yes" : "NO";
}

function drift(s: ServerStatus): string {
  const parts: string[] = [];
  if (s.lastDrift) parts.push(`repaired ${ago(s.lastDrift.at)}`);
  if (s.lastRollback) parts.push(`rolled back ${ago(s.lastRollback.at)}`);
  return parts.join(", ") || "none";
}

type Problem = ServerStatus["problems"][number];

/** How each problem the control plane names is counted, in the control plane's order. */
const PROBLEM_WORDS: Record<Problem, string> = {
  revoked: "revoked (no longer synced; rules frozen)",
  offline: "offline",
  out_of_sync: "not in sync",
  errors: "reporting errors",
  unresolved_fqdns: "with unresolved FQDNs",
  drift_repaired: "with drift repaired in the last 24 h",
  rolled_back: "rolled back in the last 24 h",
  not_enrolled: "not enrolled yet",
};

function problemSummary(servers: readonly ServerStatus[]): string {
  const problems = (Object.keys(PROBLEM_WORDS) as Problem[])
    .map((problem) => [servers.filter((s) => s.problems.includes(problem)).length, PROBLEM_WORDS[problem]] as const)
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`);
  return `${servers.length} server${servers.length === 1 ? "" : "s"}: ${problems.length ? problems.join(", ") : "all online and in sync"}.`;
}

async function status(ctx: CommandContext, options: StatusOptions): Promise<void> {
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const [servers, tenants] = await Promise.all([
    allServerStatus(api, { tenantId, tag: options.tag, problemsOnly: options.problems }),
    allTenants(api),
  ]);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const byTenantThenName = (a: ServerStatus, b: ServerStatus) =>
    (tenantName.get(a.tenantId) ?? "").localeCompare(tenantName.get(b.tenantId) ?? "") || a.name.localeCompare(b.name);
  servers.sort(byTenantThenName);
  ctx.out.table<ServerStatus>(servers, [
    { header: "server", value: (s) => s.name },
    { header: "tenant", value: (s) => tenantName.get(s.tenantId) ?? s.tenantId },
    { header: "online", value: online },
    { header: "desired", value: (s) => s.desiredRevision },
    { header: "applied", value: (s) => s.appliedRevision },
    { header: "in sync", value: (s) => (s.enrolled ? s.inSync : "") },
    { header: "drift", value: drift },
    { header: "unresolved fqdns", value: (s) => s.unresolved.map((u) => u.fqdn).join(",") },
    { header: "last seen", value: (s) => (s.enrolled ? ago(s.lastSeenAt) : "") },
  ], options.problems ? "No problems: every agent is online and in sync." : "No servers yet: add one with `gatehouse servers add NAME --tenant TENANT`.");
  if (servers.length > 0) ctx.out.line(`\n${problemSummary(servers)}`);
}

export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("fleet status: online, desired/applied revision, drift, unresolved FQDNs, last seen")
    .option("--tenant <name|id>", "servers of this tenant")
    .option("--tag <group>", "servers in this group")
    .option("--problems", "only servers with a problem: revoked, offline, out of sync, errors, unresolved FQDNs, drift repaired or rolled back in the last 24 h, not enrolled")
    .action(withContext(status));
}
