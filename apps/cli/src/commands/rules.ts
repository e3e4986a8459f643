// `gatehouse rules SERVER`: what that server's agent is told to enforce, as an
// `iptables -nL`-style listing (Travelin' Man 3's way of checking what is authorised), or
// the exact input the agent loads with --iptables / --nft.
import { type Command, Option } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { resolveServer } from "../resolve.ts";

interface RulesOptions {
  format?: "listing" | "iptables" | "nft";
}

async function rules(ctx: CommandContext, serverName: string, options: RulesOptions): Promise<void> {
  const api = ctx.api();
  const server = await resolveServer(api, serverName);
  const ruleset = await api.rulesets.effective.query({ serverId: server.id });
  const { ipsetRestore, iptablesV4, iptablesV6 } = ruleset.compiled.iptables;
  const text = {
    listing: ruleset.listing,
    iptables: `# ipset restore\n${ipsetRestore}\n# iptables-restore --noflush (IPv4)\n${iptablesV4}\n# ip6tables-restore --noflush (IPv6)\n${iptablesV6}`,
    nft: ruleset.compiled.nft,
  }[options.format ?? "listing"];
  ctx.out.result(ruleset, text.trimEnd());
}

export function registerRulesCommand(program: Command): void {
  program
    .command("rules <server>")
    .description("show the server's effective ruleset, like `iptables -nL` on the server")
    .addOption(
      new Option("--format <format>", "listing (iptables -nL style), or the exact iptables/ipset or nft input the agent loads")
        .choices(["listing", "iptables", "nft"])
        .default("listing"),
    )
    .addHelpText("after", "\nExamples:\n  gatehouse rules pbx1\n  gatehouse rules acme/pbx1 --format nft")
    .action(withContext(rules));
}
