// `gatehouse explain ADDRESS --server SERVER`: which entries, presets or grants allow the address
// on that server, for which services and until when, or that nothing does and the base policy
// drops it; then what the server's agent says its kernel sets hold (its claim, asked live).
import type { Command } from "commander";
import type { Api } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { resolveServer } from "../resolve.ts";

type Explained = Awaited<ReturnType<Api["rulesets"]["explain"]["query"]>>;
type Allowance = Explained["explanation"]["allows"][number];

function scopeWords(scope: Extract<Allowance, { kind: "entry" }>["scope"], serverName: string): string {
  switch (scope.kind) {
    case "FLEET":
      return "fleet-wide";
    case "TENANT":
      return "tenant-wide";
    case "GROUP":
      return `group ${scope.group}`;
    case "SERVER":
      return `server ${serverName}`;
  }
}

function until(expiresAt: string | null): string {
  return expiresAt === null ? "without end" : `until ${expiresAt.replace("T", " ").slice(0, 16)} UTC`;
}

function viaWords(via: { fqdn: string; resolvedAt: string } | null): string {
  return via === null ? "" : ` (via ${via.fqdn} as the agent resolved it at ${via.resolvedAt.replace("T", " ").slice(0, 16)} UTC)`;
}

/** One line per allowance, in people's words. */
function allowanceWords(allow: Allowance, serverName: string): string {
  switch (allow.kind) {
    case "entry": {
      const what = allow.origin === "TRAVELER" ? "traveler grant" : allow.origin === "PROVIDER" ? "provider entry" : "entry";
      const comment = allow.comment === "" ? "" : `, "${allow.comment}"`;
      return `${what} ${allow.entryId.slice(0, 8)} ${allow.source} (${scopeWords(allow.scope, serverName)}${comment}) ${until(allow.expiresAt)}${viaWords(allow.via)}`;
    }
    case "preset":
      return `provider preset ${allow.name} (host ${allow.source})${viaWords(allow.via)}`;
    case "lan":
      return `LAN range ${allow.range}`;
    case "primaryAdmin":
      return `primary admin ${allow.source}${viaWords(allow.via)}`;
    case "mediaOpenToAll":
      return "RTP open to everyone (media open to all)";
  }
}

function liveWords(live: Explained["live"]): string {
  switch (live.status) {
    case "offline":
      return "agent offline: live sets not checked";
    case "other-replica":
      return "the agent is connected to another control-plane replica: live sets not checked from this one";
    case "unsupported":
      return "the agent is too old to answer: live sets not checked";
    case "no-answer":
      return `the agent did not answer within ${live.waitedMs / 1000} s: live sets not checked`;
    case "answered": {
      if (live.error !== null) return `the agent could not look: ${live.error}`;
      const differing = (live.verdicts ?? []).filter((verdict) => verdict.stored !== verdict.kernel);
      if (differing.length === 0) return `the agent's ${live.backend} sets agree (its claim)`;
      const words = differing.map((verdict) => `${verdict.service}: ${verdict.stored ? "stored intent allows, kernel does not" : "kernel allows, stored intent does not"}`);
      return `the agent's ${live.backend} sets DISAGREE (its claim): ${words.join("; ")}`;
    }
  }
}

function explanationText(explained: Explained): string {
  const { server, explanation } = explained;
  const lines = [`${explanation.address} on ${server.name}:`];
  const width = Math.max(...explanation.services.map((row) => row.service.length), 3);
  for (const row of explanation.services) {
    const by = row.allowedBy.map((index) => allowanceWords(explanation.allows[index] as Allowance, server.name));
    lines.push(`  ${row.service.padEnd(width)}  ${by.length === 0 ? "dropped" : by.join("; ")}`);
  }
  if (explanation.dropped) lines.push("  Nothing allows it: the base policy drops it (silently).");
  for (const ended of explanation.expired) lines.push(`  (entry ${ended.entryId.slice(0, 8)} ${ended.source} expired at ${ended.expiresAt.replace("T", " ").slice(0, 16)} UTC)`);
  lines.push(`Live: ${liveWords(explained.live)}`);
  return lines.join("\n");
}

async function explain(ctx: CommandContext, address: string, options: { server?: string }): Promise<void> {
  if (options.server === undefined) throw new CliError("say which server: gatehouse explain ADDRESS --server SERVER");
  const api = ctx.api();
  const server = await resolveServer(api, options.server);
  const explained = await api.rulesets.explain.query({ serverId: server.id, address });
  ctx.out.result(explained, explanationText(explained));
}

export function registerExplainCommand(program: Command): void {
  program
    .command("explain <address>")
    .description("say what allows an address on a server (entries, presets, grants, LAN, admin) or that the base policy drops it, and whether the agent's live sets agree")
    .option("--server <server>", "the server (name, tenant/name or id)")
    .addHelpText("after", "\nExamples:\n  gatehouse explain 203.0.113.7 --server pbx1\n  gatehouse explain 2001:db8::7 --server acme/pbx1 --json")
    .action(withContext(explain));
}
