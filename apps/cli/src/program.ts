// The command tree. Each group of commands lives in its own module under commands/.
import { Command } from "commander";
import { registerAlertCommands } from "./commands/alerts.ts";
import { registerAuditCommands } from "./commands/audit.ts";
import { registerServiceCommands } from "./commands/custom-services.ts";
import { registerAuthCommands } from "./commands/auth.ts";
import { registerAllowCommands } from "./commands/allow.ts";
import { registerExplainCommand } from "./commands/explain.ts";
import { registerListCommand } from "./commands/list.ts";
import { registerOperatorCommands } from "./commands/operators.ts";
import { registerPresetCommands } from "./commands/presets.ts";
import { registerRemoveCommands } from "./commands/remove.ts";
import { registerRulesCommand } from "./commands/rules.ts";
import { registerServerCommands } from "./commands/servers.ts";
import { registerStatusCommand } from "./commands/status.ts";
import { registerTenantCommands } from "./commands/tenants.ts";
import { registerTokenCommands } from "./commands/tokens.ts";
import { registerTravelerCommands } from "./commands/travelers.ts";

const VERSION = "0.1.0";

export function buildProgram(): Command {
  const program = new Command("gatehouse")
    .description(
      "Operate a Gatehouse fleet: allowlists, servers, travelers, fleet status.\n" +
        "Configured by GATEHOUSE_URL and GATEHOUSE_TOKEN, or by `gatehouse login`.",
    )
    .version(VERSION, "-V, --version")
    .option("--json", "print JSON for scripts instead of tables")
    .option("--url <url>", "control plane URL (default: $GATEHOUSE_URL, else the stored login)")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .exitOverride();

  registerAuthCommands(program);
  registerAllowCommands(program);
  registerRemoveCommands(program);
  registerListCommand(program);
  registerStatusCommand(program);
  registerRulesCommand(program);
  registerExplainCommand(program);
  registerServerCommands(program);
  registerPresetCommands(program);
  registerServiceCommands(program);
  registerTravelerCommands(program);
  registerAuditCommands(program);
  registerAlertCommands(program);
  registerTenantCommands(program);
  registerOperatorCommands(program);
  registerTokenCommands(program);
  return program;
}
