// Process entry: parse the environment, wire signals and the real firewall, run the CLI.
import { runCli } from "./cli.ts";
import { loadEnv } from "./env.ts";
import { createBackend, createCutFlowCounter, installedBackends } from "./firewall/backend-choice.ts";
import { stdoutOutput } from "./commands/output.ts";

const stopSignal = new Promise<void>((resolve) => {
  process.once("SIGTERM", () => resolve());
  process.once("SIGINT", () => resolve());
});

const exitCode = await runCli(process.argv.slice(2), { env: loadEnv(process.env), createBackend, createCutFlowCounter, installedBackends, out: stdoutOutput, stopSignal });
process.exit(exitCode);
