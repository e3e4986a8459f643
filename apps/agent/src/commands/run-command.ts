// `gatehouse-agent run`: enforce from disk, then sync with the control plane until stopped.
// SIGTERM/SIGINT stop syncing and leave every rule in place. It holds the instance lock while it
// runs (one `run` at a time; `uninstall` refuses meanwhile) and enforces with this host's one
// backend (host-backend.ts): an explicit --backend that replaces the recorded one removes the
// old backend's Gatehouse objects once the new one enforces.
import type { Logger } from "pino";
import { EXIT_OK, EXIT_REVOKED } from "../exit-codes.ts";
import { FqdnResolver } from "../dns/fqdn-resolver.ts";
import { CommandRunner } from "../firewall/command-runner.ts";
import { NetfilterWatcher } from "../firewall/netfilter-watcher.ts";
import { AgentRuntime } from "../sync/agent-runtime.ts";
import { loadAppliedRecord } from "../state/applied-record.ts";
import { acquireInstanceLock, type InstanceLock } from "@gatehouse/instance-lock";
import { shownUrl } from "../state/control-plane-urls.ts";
import { controlPlaneUrls, loadAgentConfig, statePaths, type AgentConfig, type StatePaths } from "../state/state-dir.ts";
import type { BackendChoice, BackendFactory, CutFlowCounterFactory } from "../firewall/backend-choice.ts";
import { openHostBackend, recordedResolvedState } from "./host-backend.ts";
import { readCa } from "./output.ts";
import { plainHttp } from "./plain-http.ts";

export interface RunCommandOptions {
  stateDir: string;
  backend: BackendChoice;
  ca?: string;
  netns?: string;
  commitConfirmSeconds: number;
  driftIntervalSeconds: number;
  /** How often the drop-telemetry counters are read and reported. */
  knockIntervalSeconds: number;
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
  knockIntervalSeconds: 300,
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

function lockRun(paths: StatePaths): Promise<InstanceLock> {
  return acquireInstanceLock(paths.lock, `another \`gatehouse-agent run\` (or an uninstall) is active on ${paths.dir}; only one may drive the firewall`);
}

export async function runCommand(options: RunCommandOptions, deps: RunDeps): Promise<number> {
  const paths = statePaths(options.stateDir);
  const config = await loadAgentConfig(paths);
  const ca = options.ca ? await readCa(options.ca) : undefined;
  const lock = await lockRun(paths);
  try {
    return await runLocked(paths, config, ca, options, deps);
  } finally {
    await lock.release();
  }
}

async function runLocked(paths: StatePaths, config: AgentConfig, ca: Buffer | undefined, options: RunCommandOptions, deps: RunDeps): Promise<number> {
  const applied = await loadAppliedRecord(paths.applied);
  const host = await openHostBackend({ paths, explicit: options.backend, applied, ...(options.netns ? { netns: options.netns } : {}) }, deps);
  const { backend } = host;
  const urls = controlPlaneUrls(config);
  for (const url of urls.filter((u) => plainHttp(u) === "remote")) {
    deps.logger.warn({ url: shownUrl(url) }, "the control plane is plain http: the credential and every desired state cross the network unencrypted");
  }
  const cutFlowCounter = deps.createCutFlowCounter?.({ backend: backend.name, ...(options.netns ? { netns: options.netns } : {}) }) ?? null;
  // A dry run touches no firewall, so there is nothing to watch.
  const changeWatcher =
    backend.name === "dry-run" ? null : new NetfilterWatcher({ runner: new CommandRunner(options.netns ? { netns: options.netns } : {}), backend: backend.name, logger: deps.logger });
  deps.logger.info({ backend: backend.name, serverId: config.serverId, urls: urls.map(shownUrl) }, "gatehouse agent starting");
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
    knockIntervalMs: options.knockIntervalSeconds * 1000,
    heartbeatTimeoutMs: options.heartbeatTimeoutSeconds * 1000,
    ttlClamp: { minSeconds: options.ttlMinSeconds, maxSeconds: options.ttlMaxSeconds },
    backoff: { baseMs: options.backoffBaseMs, capMs: options.backoffCapMs },
  });
  await runtime.start();
  void runtime.firstEnforced
    .then(() => host.retireReplaced(recordedResolvedState(applied)))
    .catch((error: unknown) => deps.logger.error({ err: error }, "could not remove the replaced backend's Gatehouse rules: two Gatehouse rulesets may be live"));
  void deps.stopSignal.then(() => runtime.stop());
  const reason = await runtime.stopped;
  if (reason.kind === "revoked") {
    deps.logger.error(`${reason.message}. The firewall rules stay in place; re-enroll with \`gatehouse-agent enroll --force\`.`);
    return EXIT_REVOKED;
  }
  deps.logger.info("gatehouse agent stopped; the firewall rules stay in place");
  return EXIT_OK;
}
