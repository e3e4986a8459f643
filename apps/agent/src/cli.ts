// The `gatehouse-agent` command line: enroll, run, status, allows, uninstall, check-config.
import { Command, Option } from "commander";
import { EnrollmentRefusedError } from "./enroll/enroll-client.ts";
import { EXIT_CONFIG, EXIT_ENROLL_REFUSED, EXIT_FAILURE, EXIT_OK } from "./exit-codes.ts";
import type { AgentEnv } from "./env.ts";
import { createAgentLogger } from "./logger.ts";
import { ConfigError } from "./state/state-dir.ts";
import { parseBackendChoice, type BackendFactory, type CutFlowCounterFactory, type InstalledBackends } from "./firewall/backend-choice.ts";
import { allowsCommand } from "./commands/allows-command.ts";
import { checkConfigCommand } from "./commands/check-config-command.ts";
import { enrollCommand } from "./commands/enroll-command.ts";
import type { Output } from "./commands/output.ts";
import { restoreCommand } from "./commands/restore-command.ts";
import { RUN_DEFAULTS, runCommand, type RunCommandOptions } from "./commands/run-command.ts";
import { statusCommand } from "./commands/status-command.ts";
import { uninstallCommand } from "./commands/uninstall-command.ts";
import { InstanceLockedError } from "@gatehouse/instance-lock";
import { AGENT_VERSION } from "./version.ts";

export interface CliDeps {
  env: AgentEnv;
  createBackend: BackendFactory;
  /** Counts the open flows an apply cut (conntrack); tests may leave it out. */
  createCutFlowCounter?: CutFlowCounterFactory;
  /** The real backends installed here (what `uninstall` cleans); none when absent (tests). */
  installedBackends?: InstalledBackends;
  out: Output;
  /** Resolves when `run` should stop (SIGTERM/SIGINT). */
  stopSignal: Promise<void>;
}

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number of seconds: ${value}`);
  return n;
};
const collect = (value: string, previous: string[]): string[] => [...previous, value];
const backendOption = () =>
  new Option("--backend <name>", "auto (the backend recorded for this host, else detect) | iptables | nftables | dry-run").default("auto").argParser(parseBackendChoice);

/** What commander parses from withRunOptions' flags (`--dns-server` repeats into an array). */
type RunFlags = Omit<RunCommandOptions, "stateDir" | "dnsServers"> & { dnsServer: string[] };

/**
 * Every `run` option. `restore` and `check-config` take them all too (using the ones they need),
 * so the systemd unit passes one $GATEHOUSE_AGENT_ARGS to every step and they agree on the backend.
 */
function withRunOptions(command: Command): Command {
  return command
    .addOption(backendOption())
    .option("--ca <file>", "PEM CA bundle to trust for wss")
    .option("--commit-confirm-seconds <s>", "take back access a new ruleset added when its ack does not come within this time (0 = off)", seconds, RUN_DEFAULTS.commitConfirmSeconds)
    .option("--drift-interval-seconds <s>", "how often the live firewall is verified", seconds, RUN_DEFAULTS.driftIntervalSeconds)
    .option("--knock-interval-seconds <s>", "how often the drop counts (who knocked on closed ports) are reported", seconds, RUN_DEFAULTS.knockIntervalSeconds)
    .option("--heartbeat-timeout-seconds <s>", "reconnect when the control plane is silent this long", seconds, RUN_DEFAULTS.heartbeatTimeoutSeconds)
    .option("--dns-server <host[:port]>", "DNS server for FQDN entries (repeatable; default: the system's)", collect, [])
    .option("--ttl-min-seconds <s>", "re-resolve FQDNs no more often than this", seconds, RUN_DEFAULTS.ttlMinSeconds)
    .option("--ttl-max-seconds <s>", "re-resolve FQDNs at least this often", seconds, RUN_DEFAULTS.ttlMaxSeconds)
    .option("--backoff-base-ms <ms>", "first reconnect delay ceiling", seconds, RUN_DEFAULTS.backoffBaseMs)
    .option("--backoff-cap-ms <ms>", "largest reconnect delay ceiling", seconds, RUN_DEFAULTS.backoffCapMs)
    .addOption(new Option("--netns <name>", "drive the firewall of this network namespace (tests)").hideHelp());
}

/** Runs the command line; resolves to the process exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const logger = createAgentLogger(deps.env.GATEHOUSE_LOG_LEVEL);
  let exitCode = EXIT_OK;
  const program = new Command("gatehouse-agent")
    .description("Gatehouse agent: keeps this server's firewall exactly as the control plane says")
    .version(AGENT_VERSION)
    .exitOverride()
    .option("--state-dir <dir>", "state directory (credential, last applied state, status)", deps.env.GATEHOUSE_STATE_DIR);

  program
    .command("enroll")
    .description("trade a one-time enrollment token for this server's credential")
    .requiredOption("--url <url[,url...]>", "control plane base URL, e.g. https://gatehouse.example.net, or its replicas' separated by commas")
    .requiredOption("--token <token>", "one-time enrollment token from the control plane")
    .option("--ca <file>", "PEM CA bundle to trust for https")
    .option("--hostname <name>", "name to report (default: this host's name)")
    .option("--force", "enroll again even if already enrolled")
    .addOption(new Option("--backend <name>", "record this host's firewall backend now (default: detected and recorded by the first run)").argParser(parseBackendChoice))
    .option("--insecure-http", "allow a plain http:// control plane that is not on this host (the token, credential and states travel unencrypted)")
    .action(async (o: { url: string; token: string; ca?: string; hostname?: string; force?: boolean; backend?: ReturnType<typeof parseBackendChoice>; insecureHttp?: boolean }) => {
      await enrollCommand({ ...o, stateDir: program.opts<{ stateDir: string }>().stateDir }, deps.out);
    });

  withRunOptions(program.command("run").description("enforce the last state from disk, then sync with the control plane until stopped")).action(
    async (o: RunFlags) => {
      exitCode = await runCommand(
        {
          stateDir: program.opts<{ stateDir: string }>().stateDir,
          backend: o.backend,
          ca: o.ca,
          netns: o.netns,
          commitConfirmSeconds: o.commitConfirmSeconds,
          driftIntervalSeconds: o.driftIntervalSeconds,
          knockIntervalSeconds: o.knockIntervalSeconds,
          heartbeatTimeoutSeconds: o.heartbeatTimeoutSeconds,
          dnsServers: o.dnsServer,
          ttlMinSeconds: o.ttlMinSeconds,
          ttlMaxSeconds: o.ttlMaxSeconds,
          backoffBaseMs: o.backoffBaseMs,
          backoffCapMs: o.backoffCapMs,
        },
        { createBackend: deps.createBackend, ...(deps.createCutFlowCounter ? { createCutFlowCounter: deps.createCutFlowCounter } : {}), logger, stopSignal: deps.stopSignal },
      );
    });

  program
    .command("status")
    .description("what is enforced now, unresolved FQDNs, last contact")
    .option("--json", "machine-readable")
    .action(async (o: { json?: boolean }) => {
      await statusCommand({ stateDir: program.opts<{ stateDir: string }>().stateDir, ...o }, deps.out);
    });

  program
    .command("allows")
    .description("exit 0 if the applied allowlist lets <address> in for some service, else 1 (fail2ban's ignorecommand)")
    .argument("<address>", "one IPv4 or IPv6 address")
    .action(async (address: string) => {
      exitCode = await allowsCommand({ stateDir: program.opts<{ stateDir: string }>().stateDir, address }, deps.out);
    });

  program
    .command("uninstall")
    .description("remove every rule, chain and set the agent owns (the only command that does)")
    .addOption(new Option("--backend <name>", "dry-run touches no firewall; any other value cleans every installed backend").default("auto").argParser(parseBackendChoice))
    .option("--purge", "also forget the enrollment credential")
    .addOption(new Option("--netns <name>").hideHelp())
    .action(async (o: { backend: ReturnType<typeof parseBackendChoice>; purge?: boolean; netns?: string }) => {
      const installedBackends = deps.installedBackends ?? (async () => []);
      await uninstallCommand({ stateDir: program.opts<{ stateDir: string }>().stateDir, ...o }, { createBackend: deps.createBackend, installedBackends, logger }, deps.out);
    });

  withRunOptions(program.command("restore").description("enforce the last applied state kept on disk and exit (boot, before the network)"))
    .action(async (o: { backend: ReturnType<typeof parseBackendChoice>; netns?: string }) => {
      const { backend, netns } = o;
      await restoreCommand({ stateDir: program.opts<{ stateDir: string }>().stateDir, backend, ...(netns ? { netns } : {}) }, { createBackend: deps.createBackend, logger }, deps.out);
    });

  withRunOptions(program.command("check-config").description("validate the enrollment, CA and backend (systemd ExecStartPre)"))
    .action(async (o: { backend: ReturnType<typeof parseBackendChoice>; ca?: string; netns?: string }) => {
      const { backend, ca, netns } = o;
      await checkConfigCommand({ stateDir: program.opts<{ stateDir: string }>().stateDir, backend, ...(ca ? { ca } : {}), ...(netns ? { netns } : {}) }, { createBackend: deps.createBackend, logger }, deps.out);
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") return EXIT_OK;
    if (typeof code === "string" && code.startsWith("commander.")) return EXIT_CONFIG;
    if (error instanceof ConfigError) {
      process.stderr.write(`gatehouse-agent: ${error.message}\n`);
      return EXIT_CONFIG;
    }
    if (error instanceof InstanceLockedError) {
      process.stderr.write(`gatehouse-agent: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    if (error instanceof EnrollmentRefusedError) {
      process.stderr.write(`gatehouse-agent: ${error.message}\n`);
      return EXIT_ENROLL_REFUSED;
    }
    process.stderr.write(`gatehouse-agent: ${(error as Error).message}\n`);
    return EXIT_FAILURE;
  }
}
