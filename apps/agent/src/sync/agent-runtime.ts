// The agent's sync loop: enforce the last state from disk, then connect out, take the desired
// state, resolve, apply, persist, report — and keep the promises while DNS, the network or
// the control plane misbehave. Every change of what is enforced runs through one serial
// queue, so a DNS refresh, a drift repair and a new state never interleave; DNS lookups run
// outside it, so a hanging DNS server never delays an allowlist change.
import type { Logger } from "pino";
import { confirmFallback, hashDesiredState, resolveDesiredState, type DesiredState } from "@gatehouse/core";
import { PROTOCOL_VERSION, type HelloMessage, type HubMessage, type ReportMessage, type StateMessage } from "@gatehouse/protocol";
import type { FirewallBackend } from "../firewall/backend.ts";
import type { CutFlowCounter } from "../firewall/cut-flow-counter.ts";
import { watchedBackend, type ChangeWatcher } from "../firewall/netfilter-watcher.ts";
import { AnswerBook, type TtlClamp } from "../dns/answer-book.ts";
import type { FqdnLookup } from "../dns/fqdn-resolver.ts";
import { loadAppliedRecord, saveAppliedRecord, type AppliedRecord } from "../state/applied-record.ts";
import type { AgentConfig, StatePaths } from "../state/state-dir.ts";
import { saveAgentStatus } from "../state/status-file.ts";
import { AGENT_VERSION } from "../version.ts";
import type { BackoffOptions } from "./backoff.ts";
import { CommitConfirm, RollbackHold, type PendingConfirm } from "./commit-confirm.ts";
import { Enforcer, type FlowCutOutcome } from "./enforcer.ts";
import { HubLink } from "./hub-link.ts";
import { ReportOutbox } from "./report-outbox.ts";
import { desiredOf } from "./desired.ts";

const fqdnsOf = (state: DesiredState): string[] => [...desiredOf(0, "", state).fqdns];

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

interface Desired {
  revision: number;
  hash: string;
  state: DesiredState;
}

export class AgentRuntime {
  private readonly enforcer: Enforcer;
  private readonly answers: AnswerBook;
  private readonly confirm: CommitConfirm;
  private readonly log: Logger;
  private queue: Promise<unknown> = Promise.resolve();
  /** The latest desired state received (or loaded from disk). */
  private desired: Desired | null = null;
  /** The desired state whose ruleset the backend enforces now. */
  private enforcedDesired: Desired | null = null;
  private confirmed: AppliedRecord | null = null;
  /** While a new state awaits its ack: what both it and the confirmed state allow (the rollback target). */
  private fallback: Desired | null = null;
  private readonly hold: RollbackHold;
  private holdTimer: NodeJS.Timeout | undefined;
  private readonly outbox = new ReportOutbox();
  /** False from a session's hello until the hub answers it (an ack then answers the hello, not a report). */
  private helloAnswered = false;
  private resolveFirstEnforced: () => void = () => {};
  /** Resolves once a ruleset is enforced (from disk or from the control plane). */
  readonly firstEnforced: Promise<void>;
  private readonly link: HubLink;
  private stopping = false;
  private stopReason: StopReason | null = null;
  private resolveStopped: (reason: StopReason) => void = () => {};
  readonly stopped: Promise<StopReason>;
  private fetchRequested = -1;
  private latestStateRevision = -1;
  private errors: string[] = [];
  private applyFailed = false;
  /** How a failed apply is retried: a new state still needs its confirmation. */
  private retryCause: "state" | "retry" = "retry";
  private flowCutWarned = false;
  private dnsSignature = "";
  private lastContactAt: Date | null = null;
  private dnsTimer: NodeJS.Timeout | undefined;
  private statusWrites: Promise<void> = Promise.resolve();
  private driftTimer: NodeJS.Timeout | undefined;
  private driftCheckQueued = false;

  constructor(private readonly options: AgentRuntimeOptions) {
    this.log = options.logger;
    const backend = options.changeWatcher ? watchedBackend(options.backend, options.changeWatcher) : options.backend;
    this.enforcer = new Enforcer(backend, options.cutFlowCounter ?? null);
    this.answers = new AnswerBook(options.lookup, options.ttlClamp);
    this.link = new HubLink({
      url: options.config.url,
      credential: options.config.credential,
      ...(options.ca ? { ca: options.ca } : {}),
      heartbeatTimeoutMs: options.heartbeatTimeoutMs,
      backoff: options.backoff,
      logger: options.logger,
      hello: () => this.hello(),
      onMessage: (message) => this.onMessage(message),
      onChange: () => {
        if (!this.link.connected) this.outbox.sessionEnded();
        void this.writeStatus();
      },
      onRefused: (message) => void this.stop({ kind: "revoked", message }),
    });
    this.confirm = new CommitConfirm(options.commitConfirmMs, (pending) => void this.serial(() => this.rollBack(pending)));
    this.hold = new RollbackHold(options.maxRollbacks ?? 3);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.firstEnforced = new Promise((resolve) => (this.resolveFirstEnforced = resolve));
  }

  /** Enforces the state kept on disk (no network), then starts syncing in the background. */
  async start(): Promise<void> {
    await this.serial(() => this.enforceFromDisk());
    this.driftTimer = setInterval(() => void this.serial(() => this.checkDrift()), this.options.driftIntervalMs);
    this.options.changeWatcher?.start(() => this.checkDriftSoon());
    this.scheduleDns();
    this.link.start();
  }

  /** Stops syncing. The rules stay exactly as they are: exit never flushes. */
  async stop(reason: StopReason = { kind: "stopped" }): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopReason = reason;
    clearInterval(this.driftTimer);
    this.options.changeWatcher?.stop();
    clearTimeout(this.dnsTimer);
    clearInterval(this.holdTimer);
    this.confirm.cancel();
    this.link.stop();
    await this.queue.catch(() => {});
    await this.writeStatus();
    this.resolveStopped(reason);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => (this.stopping ? (undefined as T) : task()));
    this.queue = run.catch((error: unknown) => this.log.error({ err: error }, "sync step failed"));
    return run;
  }

  private async enforceFromDisk(): Promise<void> {
    const record = await loadAppliedRecord(this.options.paths.applied);
    if (record === null) {
      this.log.info("no applied state on disk yet: the firewall is left as it is until the control plane sends one");
      return;
    }
    this.confirmed = record;
    this.outbox.loadRollbacks(record.rollbacksToReport);
    this.answers.load(record.answers);
    this.desired = { revision: record.revision, hash: record.desiredHash, state: record.state };
    this.log.info({ revision: record.revision }, "enforcing the last applied state from disk before any network");
    await this.reconcile("disk");
  }

  // --- the control plane ---------------------------------------------------------------

  private hello(): HelloMessage {
    this.fetchRequested = -1;
    this.helloAnswered = false;
    this.lastContactAt = new Date();
    return {
      type: "hello",
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      backend: this.enforcer.backendName,
      ...(this.enforcedDesired ? { appliedRevision: this.enforcedDesired.revision, appliedHash: this.enforcedDesired.hash } : {}),
    };
  }

  private onMessage(message: HubMessage): void {
    this.lastContactAt = new Date();
    const answersHello = !this.helloAnswered && message.type === "ack";
    if (message.type === "state" || message.type === "ack") this.helloAnswered = true;
    switch (message.type) {
      case "state":
        void this.onState(message);
        return;
      case "changed":
        // Coalesced: one fetch per newer revision; the state we get back may be newer still.
        if (message.revision > (this.desired?.revision ?? -1) && message.revision > this.fetchRequested) {
          this.fetchRequested = message.revision;
          this.link.send({ type: "fetch", revision: message.revision });
        }
        return;
      case "ack":
        void this.serial(() => this.onAck(message.revision, answersHello));
        return;
      case "revoked":
        this.log.error({ reason: message.reason }, "the control plane revoked this agent; stopping (rules stay in place)");
        void this.stop({ kind: "revoked", message: `the control plane revoked this agent: ${message.reason}` });
        return;
      case "error":
        this.log.warn({ message: message.message }, "the control plane reported an error");
        return;
    }
  }

  /**
   * A state's new FQDNs are resolved before it is applied, outside the queue: nothing else waits
   * for them, and a newer state (which does not wait for names already being asked) wins.
   */
  private async onState(message: StateMessage): Promise<void> {
    this.latestStateRevision = Math.max(this.latestStateRevision, message.revision);
    const accepted = message.state.serverId === this.options.config.serverId && !this.hold.isHeld(message.revision);
    const changed = accepted ? await this.answers.resolveNew(fqdnsOf(message.state)) : false;
    if (message.revision < this.latestStateRevision) {
      if (changed) await this.serial(() => this.reconcile("dns"));
      return;
    }
    await this.serial(() => this.applyState(message));
  }

  private async applyState(message: StateMessage): Promise<void> {
    if (message.state.serverId !== this.options.config.serverId) {
      this.errors = [`refused a desired state for server ${message.state.serverId}: this agent is ${this.options.config.serverId}`];
      this.sendReport();
      return;
    }
    if (this.hold.isHeld(message.revision)) return this.reportHeld(message.revision);
    this.desired = { revision: message.revision, hash: message.hash, state: message.state };
    this.answers.keepOnly(fqdnsOf(message.state));
    await this.reconcile("state");
    this.scheduleDns();
  }

  private heldMessage(revision: number): string {
    const times = this.hold.timesRolledBack(revision);
    return `revision ${revision} was rolled back ${times} times (no ack after applying it); holding it until the control plane confirms contact, enforcing revision ${this.enforcedDesired?.revision ?? "none"} meanwhile`;
  }

  private async reportHeld(revision: number): Promise<void> {
    this.errors = [this.heldMessage(revision)];
    this.log.warn({ revision }, this.errors[0]);
    this.sendReport();
    await this.writeStatus();
  }

  /** Any ack is confirmed contact: a held revision is fetched again. */
  private async onAck(revision: number, answersHello: boolean): Promise<void> {
    if (!answersHello && this.outbox.acknowledged() && this.confirmed) await this.saveRecord({ ...this.confirmed, rollbacksToReport: this.outbox.rollbacksToReport });
    const held = this.hold.clear();
    if (held !== null) {
      clearInterval(this.holdTimer);
      this.errors = [];
      this.log.info({ revision: held }, "the control plane confirmed contact; applying the held revision again");
      this.link.send({ type: "fetch", revision: held });
    }
    if (this.confirm.acknowledge(revision)) {
      this.fallback = null;
      this.log.info({ revision }, "the control plane confirmed the new ruleset");
      await this.persistConfirmed();
      await this.writeStatus();
    }
    if (this.outbox.hasUnsent) this.sendReport();
  }

  // --- enforcing -----------------------------------------------------------------------

  private async reconcile(cause: "disk" | "state" | "dns" | "retry"): Promise<void> {
    const desired = this.desired;
    if (desired === null) return;
    const { resolved, unresolved } = resolveDesiredState(desired.state, this.answers.addressMap());
    let flowCut: FlowCutOutcome | null;
    try {
      flowCut = await this.enforcer.enforce(resolved);
    } catch (error) {
      this.applyFailed = true;
      this.retryCause = cause === "state" ? "state" : "retry";
      this.errors = [`applying revision ${desired.revision} failed: ${(error as Error).message}; the previous ruleset stays enforced`];
      this.log.error({ revision: desired.revision, err: error }, "apply failed; the previous ruleset stays enforced");
      this.sendReport();
      await this.writeStatus();
      return;
    }
    this.applyFailed = false;
    this.errors = [];
    if (flowCut) this.noteFlowCut(desired.revision, flowCut);
    this.enforcedDesired = desired;
    this.resolveFirstEnforced();
    const rulesetHash = this.enforcer.enforced?.summary.rulesetHash ?? "";
    if (unresolved.length > 0) this.log.warn({ unresolved }, "FQDNs left out of the ruleset (unresolved); everything else applied");
    this.log.info({ cause, revision: desired.revision, rulesetHash }, "ruleset enforced");
    if (cause === "state") await this.awaitConfirmation(desired, rulesetHash);
    else if (this.confirm.pending === null) await this.persistConfirmed();
    this.dnsSignature = this.dnsProblems();
    this.sendReport();
    await this.writeStatus();
  }

  /**
   * A new state that only takes access away is kept at once, link or no link. One that adds
   * access waits for the control plane's ack; meanwhile the disk (what boot enforces) and a
   * rollback both hold only what the confirmed and the new state allow.
   */
  private async awaitConfirmation(desired: Desired, rulesetHash: string): Promise<void> {
    const confirmed = this.confirmed;
    const fallback = confirmed && this.options.commitConfirmMs > 0 ? confirmFallback(confirmed.state, desired.state) : null;
    if (fallback === null || fallback.onlyRemovesAccess) {
      this.confirm.cancel();
      this.fallback = null;
      return this.persistConfirmed();
    }
    this.fallback = { revision: confirmed!.revision, hash: hashDesiredState(fallback.state), state: fallback.state };
    await this.saveRecord({
      ...confirmed!,
      desiredHash: this.fallback.hash,
      state: fallback.state,
      answers: this.answers.resolutions(fqdnsOf(fallback.state)),
      rulesetHash: "",
      savedAt: new Date().toISOString(),
    });
    this.confirm.await(desired.revision, rulesetHash);
  }

  private noteFlowCut(revision: number, outcome: FlowCutOutcome): void {
    this.log.info({ revision, revoked: outcome.revoked, flowsCut: outcome.cut }, "the new ruleset cut the open connections of sources that lost access");
    this.outbox.addFlowsCut(outcome.cut);
    if (outcome.warning === null) return;
    this.errors = [outcome.warning];
    if (this.flowCutWarned) this.log.debug({ warning: outcome.warning }, "cut connections not counted");
    else this.log.warn({ revision }, `${outcome.warning}; the ruleset is applied and cuts them all the same (this warning is logged once)`);
    this.flowCutWarned = true;
  }

  /** Takes back what the unconfirmed state added; never what it removed (see awaitConfirmation). */
  private async rollBack(pending: PendingConfirm): Promise<void> {
    const target = this.fallback;
    if (target === null) return;
    this.fallback = null;
    const seconds = Math.round(this.options.commitConfirmMs / 1000);
    const reason = `no ack from the control plane within ${seconds} s after applying revision ${pending.revision}; took back the access it added, keeping what it removed`;
    this.log.warn({ fromRevision: pending.revision, toRevision: target.revision }, reason);
    this.outbox.addRollback({ fromRevision: pending.revision, reason });
    if (this.hold.rolledBack(pending.revision)) this.startHold(pending.revision);
    this.desired = target;
    await this.reconcile("retry");
    // The link did not carry an ack: start a fresh session, which re-syncs from a snapshot.
    this.link.restart();
  }

  /** While held, the held report goes out every drift interval: its ack is the confirmed contact that ends the hold. */
  private startHold(revision: number): void {
    this.log.warn({ revision }, this.heldMessage(revision));
    clearInterval(this.holdTimer);
    this.holdTimer = setInterval(() => void this.serial(() => (this.hold.isHeld(revision) ? this.reportHeld(revision) : Promise.resolve())), this.options.driftIntervalMs);
  }

  private async persistConfirmed(): Promise<void> {
    const enforced = this.enforcer.enforced;
    const desired = this.enforcedDesired;
    if (enforced === null || desired === null) return;
    this.confirmed = {
      revision: desired.revision,
      desiredHash: desired.hash,
      state: desired.state,
      answers: this.answers.resolutions(fqdnsOf(desired.state)),
      rulesetHash: enforced.summary.rulesetHash,
      savedAt: new Date().toISOString(),
      backend: this.enforcer.backendName,
      rollbacksToReport: [],
    };
    await this.saveRecord(this.confirmed);
  }

  /** What boot enforces, with the backend enforcing it and the rollbacks still to report. */
  private async saveRecord(record: AppliedRecord): Promise<void> {
    await saveAppliedRecord(this.options.paths.applied, { ...record, backend: this.enforcer.backendName, rollbacksToReport: this.outbox.rollbacksToReport });
  }

  /** Someone changed the firewall: one drift check, queued once however many changes arrive meanwhile. */
  private checkDriftSoon(): void {
    if (this.driftCheckQueued) return;
    this.driftCheckQueued = true;
    void this.serial(() => {
      this.driftCheckQueued = false;
      return this.checkDrift();
    });
  }

  private async checkDrift(): Promise<void> {
    if (this.applyFailed) return this.reconcile(this.retryCause);
    try {
      const problems = await this.enforcer.repairDrift();
      if (problems === null) return;
      this.log.warn({ problems }, "the live firewall had drifted from the enforced ruleset; repaired");
      this.outbox.addDrift(problems);
      this.sendReport();
      await this.writeStatus();
    } catch (error) {
      this.errors = [`drift check failed: ${(error as Error).message}`];
      this.log.error({ err: error }, "drift check failed");
    }
  }

  // --- DNS -------------------------------------------------------------------------------

  private scheduleDns(): void {
    clearTimeout(this.dnsTimer);
    if (this.stopping || this.desired === null) return;
    const next = this.answers.nextDueAt(fqdnsOf(this.desired.state));
    if (next === null) return;
    this.dnsTimer = setTimeout(() => void this.refreshDns(), Math.max(0, next - Date.now()));
  }

  /** The lookups run outside the queue; only applying their answers waits in it. */
  private async refreshDns(): Promise<void> {
    if (this.desired === null || this.stopping) return;
    const changed = await this.answers.refresh(fqdnsOf(this.desired.state));
    await this.serial(() => this.afterDnsRefresh(changed));
    this.scheduleDns();
  }

  private async afterDnsRefresh(changed: boolean): Promise<void> {
    if (changed) {
      this.log.info("DNS answers changed; re-applying");
      await this.reconcile("dns");
    } else if (this.dnsProblems() !== this.dnsSignature) {
      this.dnsSignature = this.dnsProblems();
      this.sendReport();
      await this.writeStatus();
    }
  }

  private dnsProblems(): string {
    const fqdns = this.enforcedDesired ? fqdnsOf(this.enforcedDesired.state) : [];
    return JSON.stringify([this.answers.unresolved(fqdns), this.answers.staleErrors(fqdns)]);
  }

  // --- reporting -----------------------------------------------------------------------

  private buildReport(): ReportMessage {
    const desired = this.enforcedDesired;
    const summary = this.enforcer.enforced?.summary;
    const fqdns = desired ? fqdnsOf(desired.state) : [];
    return {
      type: "report",
      appliedRevision: desired?.revision ?? 0,
      rulesetHash: summary?.rulesetHash ?? "",
      desiredHash: desired?.hash ?? "",
      setSizes: summary?.setSizes ?? {},
      ruleCount: summary?.ruleCount ?? 0,
      unresolved: this.answers.unresolved(fqdns),
      resolutions: this.answers.resolutions(fqdns),
      errors: [...this.errors, ...this.answers.staleErrors(fqdns)].slice(0, 100),
      agentVersion: AGENT_VERSION,
      backend: this.enforcer.backendName,
    };
  }

  /** The current state, with the news (drift, cut flows, one rollback) kept until an ack confirms it. */
  private sendReport(): void {
    if (!this.link.connected) return;
    const { report, news } = this.outbox.attach(this.buildReport());
    if (this.link.send(report)) this.outbox.sent(news);
  }

  /** Status writes are chained so an older snapshot can never land after a newer one. */
  private writeStatus(): Promise<void> {
    this.statusWrites = this.statusWrites.then(() => this.saveStatusNow());
    return this.statusWrites;
  }

  private async saveStatusNow(): Promise<void> {
    const summary = this.enforcer.enforced?.summary;
    const desired = this.enforcedDesired;
    const pending = this.confirm.pending;
    try {
      await saveAgentStatus(this.options.paths.status, {
        pid: process.pid,
        agentVersion: AGENT_VERSION,
        backend: this.enforcer.backendName,
        serverId: this.options.config.serverId,
        revision: desired?.revision ?? null,
        desiredHash: desired?.hash ?? null,
        rulesetHash: summary?.rulesetHash ?? null,
        setSizes: summary?.setSizes ?? {},
        ruleCount: summary?.ruleCount ?? 0,
        unresolved: this.answers.unresolved(desired ? fqdnsOf(desired.state) : []),
        connected: this.link.connected,
        lastContactAt: this.lastContactAt?.toISOString() ?? null,
        awaitingConfirmSince: pending ? pending.since.toISOString() : null,
        heldRevision: this.hold.held,
        lastError: this.errors[0] ?? null,
        stoppedReason: this.stopReason ? (this.stopReason.kind === "revoked" ? this.stopReason.message : "stopped") : null,
        updatedAt: new Date().toISOString(),
      });
    } catch (error) {
      this.log.warn({ err: error }, "cannot write the status file");
    }
  }
}
