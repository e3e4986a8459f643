// `gatehouse allow SOURCE`, and Travelin' Man 3's `add-ip` (IP addresses and CIDRs only) and
// `add-fqdn` (host names only). The control plane's one source parser decides what a source
// is and says what is wrong with it; the CLI never second-guesses it.
import { ALL_SERVICES } from "@gatehouse/core";
import type { Command } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { servicesText, shortId } from "../entry-table.ts";
import { parseExpiry } from "../expiry.ts";
import { shortTime } from "../output.ts";
import { addScopeOptions, resolveScope, type ScopeFlags } from "../scope.ts";
import { registerAllowEdit } from "./allow-edit.ts";
import { registerImportCommand } from "./import.ts";

type Procedure = "add" | "addIp" | "addFqdn";

interface AllowOptions extends ScopeFlags {
  services?: string;
  expires?: string;
  comment?: string;
}

export function parseServices(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/**
 * The services an allow names; a usage error before any call when there are none. Nothing is
 * opened by default: Travelin' Man 3's add-ip opened every port to a trunk added in a hurry.
 */
function chosenServices(text: string | undefined): string[] {
  const services = parseServices(text) ?? [];
  if (services.length === 0) throw new CliError(`choose the services with --services (e.g. --services sip,rtp; --services all opens SSH, HTTP, TFTP too)`);
  return services;
}

async function allow(procedure: Procedure, ctx: CommandContext, source: string, options: AllowOptions): Promise<void> {
  const services = chosenServices(options.services);
  const expiresAt = options.expires === undefined ? undefined : parseExpiry(options.expires).toISOString();
  const api = ctx.api();
  const scope = await resolveScope(api, options, true);
  const entry = await api.entries[procedure].mutate({
    source,
    services,
    scope: scope!.target,
    comment: options.comment ?? "",
    expiresAt,
  });
  // After the call: the warning is about what was opened, not what might have been.
  if (services.includes(ALL_SERVICES)) process.stderr.write(`gatehouse: warning: --services all opens every port to ${entry.source}, SSH, HTTP and TFTP too\n`);
  // A country entry's: country lists are never exact, and SSH by country is worth a second look.
  for (const warning of entry.warnings) process.stderr.write(`gatehouse: warning: ${warning}\n`);
  const expiry = entry.expiresAt ? `, until ${shortTime(entry.expiresAt)}` : "";
  ctx.out.result(entry, `Allowed ${entry.source} for ${servicesText(entry.services)} on ${scope!.label}${expiry} (entry ${shortId(entry.id)}).`);
}

function defineAllow(program: Command, name: string, procedure: Procedure, description: string, example: string): Command {
  const command = program
    .command(name)
    .argument("<source>")
    .description(description)
    .option("--services <ids>", "comma-separated services, e.g. sip,rtp (required; all opens every port)")
    .option("--expires <when>", "remove it automatically: 30m, 12h, 7d, 2w or an ISO date")
    .option("--comment <text>", "why it is allowed (shown in lists and the audit log)");
  addScopeOptions(command, "allow on");
  command
    .addHelpText("after", `\nExample:\n  ${example}`)
    .action(withContext((ctx, source: string, options: AllowOptions) => allow(procedure, ctx, source, options)));
  return command;
}

export function registerAllowCommands(program: Command): void {
  const allowCommand = defineAllow(program, "allow", "add", "allow an IP address, CIDR range, host name (FQDN) or country (country:CA)",
    "gatehouse allow 198.51.100.7 --services sip,rtp --server pbx1 --expires 7d --comment 'Bob at home'");
  registerAllowEdit(allowCommand);
  defineAllow(program, "add-ip", "addIp", "allow an IP address or CIDR range (Travelin' Man 3's add-ip; refuses host names)",
    "gatehouse add-ip 203.0.113.0/28 --services sip,rtp --tenant acme --comment 'office'");
  defineAllow(program, "add-fqdn", "addFqdn", "allow a host name, re-resolved as it changes (Travelin' Man 3's add-fqdn; refuses IPs)",
    "gatehouse add-fqdn bob-home.dyndns.example --server pbx1 --services sip");
  // Many sources at once, next to the commands that allow one.
  registerImportCommand(program);
}
