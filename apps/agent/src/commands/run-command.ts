// `gatehouse-agent run`: enforce from disk, then sync with the control plane until stopped.
// SIGTERM/SIGINT stop syncing and leave every rule in place.
import type { Logger } from "pino";
import { EXIT_OK, EXIT_REVOKED } from "../exit-codes.ts";
import { FqdnResolver } from "../dns/fqdn-resolver.ts";
import { CommandRunner } from "../firewall/command-runner.ts";
import { NetfilterWatcher } from "../firewall/netfilter-watcher.ts";
import { AgentRuntime } from "../sync/agent-runtime.ts";
import { loadAgentConfig, statePaths } from "../state/state-dir.ts";
import type { BackendChoice, BackendFactory, CutFlowCounterFactory } from "./backend-choice.ts";
import { readCa } from "./output.ts";

export interface RunCommandOptions {
  stateDir: string;
  backend: BackendChoice;
  ca?: string;
  netns?: string;
  commitConfirmSeconds: number;
  driftIntervalSeconds: number;
  heartbeatTimeoutSeconds: number;
  /** DNS servers ("host" or "host:port"); the system's when empty. */
  dnsServers: string[];
  ttlMinSeconds: number;
  ttlMaxSeconds: number;
  backoffBaseMs: number;
  backoffCapMs: number;
}

export const RUN_DEFAULTS = {
  commitConfirmSeconds: 30,
  driftIntervalSeconds: 30,
  heartbeatTimeoutSeconds: 45,
  ttlMinSeconds: 30,
  ttlMaxSeconds: 300,
  backoffBaseMs: 1000,
  backoffCapMs: 60_000,
} as const;

export interface RunDeps {
  createBackend: BackendFactory;
  /** Without it, the flows an apply cuts are not counted (tests with fake backends). */
  createCutFlowCounter?: CutFlowCounterFactory;
  logger: Logger;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT in production). */
  stopSignal: Promise<void>;
}

export async function runCommand(options: RunCommandOptions, deps: RunDeps): Promise<number> {
  const paths = statePaths(options.stateDir);
  const config = await loadAgentConfig(paths);
  const ca = options.ca ? await readCa(options.ca) : undefined;
  const backend = await deps.createBackend({ choice: options.backend, logger: deps.logger, ...(options.netns ? { netns: options.netns } : {}) });
  const cutFlowCounter = deps.createCutFlowCounter?.({ backend: backend.name, ...(options.netns ? { netns: options.netns } : {}) }) ?? null;
  // A dry run touches no firewall, so there is nothing to watch.
  const changeWatcher =
    backend.name === "dry-run" ? null : new NetfilterWatcher({ runner: new CommandRunner(options.netns ? { netns: options.netns } : {}), backend: backend.name, logger: deps.logger });
  deps.logger.info({ backend: backend.name, serverId: config.serverId, url: config.url }, "gatehouse agent starting");
  const runtime = new AgentRuntime({
    config,
    paths,
    backend,
    ...(cutFlowCounter ? { cutFlowCounter } : {}),
    ...(changeWatcher ? { changeWatcher } : {}),
    lookup: new FqdnResolver(options.dnsServers.length > 0 ? { servers: options.dnsServers } : {}),
    logger: deps.logger,
    ...(ca ? { ca } : {}),
    commitConfirmMs: options.commitConfirmSeconds * 1000,
    driftIntervalMs: options.driftIntervalSeconds * 1000,
    heartbeatTimeoutMs: options.heartbeatTimeoutSeconds * 1000,
    ttlClamp: { minSeconds: options.ttlMinSeconds, maxSeconds: options.ttlMaxSeconds },
    backoff: { baseMs: options.backoffBaseMs, capMs: options.backoffCapMs },
  });
  await runtime.start();
  void deps.stopSignal.then(() => runtime.stop());
  const reason = await runtime.stopped;
  if (reason.kind === "revoked") {
    deps.logger.error(`${reason.message}. The firewall rules stay in place; re-enroll with \`gatehouse-agent enroll --force\`.`);
    return EXIT_REVOKED;
  }
  deps.logger.info("gatehouse agent stopped; the firewall rules stay in place");
  return EXIT_OK;
}
