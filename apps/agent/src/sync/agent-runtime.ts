// The running agent: it enforces the state kept on disk before any network, then keeps one session
// with the control plane. A `state` message goes from the socket (hub-connection.ts) through
// HubLink to onMessage here, and from there to the EnforcementLoop (enforcement-loop.ts), which
// resolves it, applies it through the Enforcer and the backend, keeps it on disk and reports it.
// This file only wires those parts together and answers the hub.
import type { Logger } from "pino";
import { PROTOCOL_VERSION, SET_LOOKUP_FEATURE, type HelloMessage, type HubMessage } from "@gatehouse/protocol";
import { AnswerBook, type TtlClamp } from "../dns/answer-book.ts";
import type { FqdnLookup } from "../dns/fqdn-resolver.ts";
import type { FirewallBackend } from "../firewall/backend.ts";
import { CountryNetworks } from "../geo/country-networks.ts";
import type { CutFlowCounter } from "../firewall/cut-flow-counter.ts";
import { watchedBackend, type ChangeWatcher } from "../firewall/netfilter-watcher.ts";
import { controlPlaneUrls, type AgentConfig, type StatePaths } from "../state/state-dir.ts";
import { AGENT_VERSION } from "../version.ts";
import type { BackoffOptions } from "./backoff.ts";
import { RollbackHold } from "./commit-confirm.ts";
import { Confirmation } from "./confirmation.ts";
import { desiredOf } from "./desired.ts";
import { EnforcementLoop } from "./enforcement-loop.ts";
import { Enforcer } from "./enforcer.ts";
import { HubLink } from "./hub-link.ts";
import { knockReaderOf } from "./knock-telemetry.ts";
import { ReportOutbox } from "./report-outbox.ts";
import { answerSetLookup } from "./set-lookup-answer.ts";
import { Reporter } from "./reporter.ts";

export interface AgentRuntimeOptions {
  config: AgentConfig;
  paths: StatePaths;
  backend: FirewallBackend;
  lookup: FqdnLookup;
  logger: Logger;
  ca?: Buffer;
  /** Commit-confirm window; 0 disables it. */
  commitConfirmMs: number;
  /** How often the live firewall is verified (drift) and a failed apply retried. */
  driftIntervalMs: number;
  /** How often the drop-telemetry counters are read and reported (default 5 minutes). */
  knockIntervalMs?: number;
  /** No ping or message from the hub for this long = dead link, reconnect. */
  heartbeatTimeoutMs: number;
  ttlClamp: TtlClamp;
  backoff: BackoffOptions;
  /** A revision rolled back this many times is held until the next confirmed contact. */
  maxRollbacks?: number;
  /** Counts the open flows an apply cut (for the log and the report); without it they are not counted. */
  cutFlowCounter?: CutFlowCounter;
  /** Reports firewall changes as they happen (nft monitor, polls), so drift is repaired at once. */
  changeWatcher?: ChangeWatcher;
}

export type StopReason = { kind: "stopped" } | { kind: "revoked"; message: string };

export class AgentRuntime {
  /** Resolves once a ruleset is enforced (from disk or from the control plane). */
  readonly firstEnforced: Promise<void>;
  readonly stopped: Promise<StopReason>;
  private readonly log: Logger;
  private readonly enforcer: Enforcer;
  private readonly outbox = new ReportOutbox();
  private readonly link: HubLink;
  private readonly reporter: Reporter;
  private readonly loop: EnforcementLoop;
  private readonly countries: CountryNetworks;
  private fetchRequested = -1;
  /** False from a session's hello until the hub answers it (an ack then answers the hello, not a report). */
  private helloAnswered = false;
  private stopping = false;
  private resolveStopped: (reason: StopReason) => void = () => {};

  constructor(options: AgentRuntimeOptions) {
    const { config, paths, logger } = options;
    this.log = logger;
    const backend = options.changeWatcher ? watchedBackend(options.backend, options.changeWatcher) : options.backend;
    const enforcer = (this.enforcer = new Enforcer(backend, options.cutFlowCounter ?? null));
    const answers = new AnswerBook(options.lookup, options.ttlClamp);
    const countries = (this.countries = new CountryNetworks(paths.dir, logger));
    const hold = new RollbackHold(options.maxRollbacks ?? 3);
    const outbox = this.outbox;
    const confirmation = new Confirmation({
      windowMs: options.commitConfirmMs,
      appliedPath: paths.applied,
      backendName: enforcer.backendName,
      answers,
      outbox,
      logger,
      onExpired: (pending) => void this.loop.windowExpired(pending),
    });
    const link = (this.link = new HubLink({
      urls: controlPlaneUrls(config),
      credential: config.credential,
      ...(options.ca ? { ca: options.ca } : {}),
      heartbeatTimeoutMs: options.heartbeatTimeoutMs,
      backoff: options.backoff,
      logger,
      hello: () => this.hello(),
      onMessage: (message) => this.onMessage(message),
      onChange: () => this.linkChanged(),
      onRefused: (message) => void this.stop({ kind: "revoked", message }),
    }));
    const reporter = (this.reporter = new Reporter({ serverId: config.serverId, statusPath: paths.status, logger, link, enforcer, answers, countries, outbox, confirmation, hold }));
    this.loop = new EnforcementLoop({
      serverId: config.serverId,
      appliedPath: paths.applied,
      commitConfirmMs: options.commitConfirmMs,
      driftIntervalMs: options.driftIntervalMs,
      knocks: { read: knockReaderOf(options.backend), intervalMs: options.knockIntervalMs ?? 300_000 },
      changeWatcher: options.changeWatcher ?? null,
      logger,
      enforcer,
      answers,
      countries,
      outbox,
      confirmation,
      hold,
      reporter,
      link,
    });
    this.firstEnforced = this.loop.firstEnforced;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** Enforces the state kept on disk (no network), then starts syncing in the background. */
  async start(): Promise<void> {
    await this.loop.start();
    this.link.start();
  }

  /** Stops syncing. The rules stay exactly as they are: exit never flushes. */
  async stop(reason: StopReason = { kind: "stopped" }): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.reporter.stopping(reason.kind === "revoked" ? reason.message : "stopped");
    this.link.stop();
    await this.loop.stop();
    await this.reporter.writeStatus();
    this.resolveStopped(reason);
  }

  private hello(): HelloMessage {
    this.fetchRequested = -1;
    this.helloAnswered = false;
    const enforced = this.enforcer.enforced?.desired;
    return {
      type: "hello",
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      backend: this.enforcer.backendName,
      features: [SET_LOOKUP_FEATURE],
      ...(enforced ? { appliedRevision: enforced.revision, appliedHash: enforced.hash } : {}),
    };
  }

  private linkChanged(): void {
    if (!this.link.connected) this.outbox.sessionEnded();
    else {
      this.countries.sessionEnded();
      this.loop.askCountries();
    }
    void this.reporter.writeStatus();
  }

  private onMessage(message: HubMessage): void {
    const answersHello = !this.helloAnswered && message.type === "ack";
    if (message.type === "state" || message.type === "ack") this.helloAnswered = true;
    switch (message.type) {
      case "state":
        void this.loop.offer(desiredOf(message.revision, message.hash, message.state));
        return;
      case "changed":
        // Coalesced: one fetch per newer revision; the state we get back may be newer still.
        if (message.revision > this.loop.targetRevision && message.revision > this.fetchRequested) {
          this.fetchRequested = message.revision;
          this.link.send({ type: "fetch", revision: message.revision });
        }
        return;
      case "ack":
        void this.loop.acknowledged(message.revision, answersHello);
        return;
      case "revoked":
        this.log.error({ reason: message.reason }, "the control plane revoked this agent; stopping (rules stay in place)");
        void this.stop({ kind: "revoked", message: `the control plane revoked this agent: ${message.reason}` });
        return;
      case "error":
        this.log.warn({ message: message.message }, "the control plane reported an error");
        return;
      case "set-lookup":
        void answerSetLookup(message, this.enforcer).then((answer) => this.link.send(answer));
        return;
      case "country-networks":
        void this.loop.countryNetworksArrived(message).catch((error: unknown) => this.log.error({ err: error, country: message.country }, "cannot keep a country's networks"));
        return;
    }
  }
}
