// `gatehouse status`: the fleet at a glance — which agents are online and enforcing the
// revision they should, which drifted, which host names did not resolve.
import type { Command } from "commander";
import type { ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { ago } from "../output.ts";
import { resolveTenant } from "../resolve.ts";

type Server = ApiOutputs["servers"]["list"][number];

interface StatusOptions {
  tenant?: string;
  tag?: string;
}

async function status(ctx: CommandContext, options: StatusOptions): Promise<void> {
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const servers = await api.servers.list.query({ tenantId, tag: options.tag });
  ctx.out.table<Server>(servers, [
    { header: "server", value: (s) => s.name },
    { header: "tenant", value: (s) => s.tenantName },
    { header: "online", value: (s) => (s.status === "pending" ? "not enrolled" : s.online) },
    { header: "desired", value: (s) => s.revision },
    { header: "applied", value: (s) => s.appliedRevision },
    { header: "in sync", value: (s) => s.appliedRevision === s.revision },
    { header: "last seen", value: (s) => (s.status === "pending" ? "" : ago(s.lastSeenAt)) },
  ], "No servers yet: add one with `gatehouse servers add NAME --tenant TENANT`.");
}

export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("fleet status: online, desired/applied revision, drift, unresolved FQDNs, last seen")
    .option("--tenant <name|id>", "servers of this tenant")
    .option("--tag <group>", "servers in this group")
    .action(withContext(status));
}
