// The agent's sync loop: enforce the last state from disk, then connect out, take the desired
// state, resolve, apply, persist, report — and keep the promises while DNS, the network or
// the control plane misbehave. Every change of what is enforced runs through one serial
// queue, so a DNS refresh, a drift repair and a new state never interleave.
import type { Logger } from "pino";
import type { DesiredState } from "@gatehouse/core";
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
import { CommitConfirm, type PendingConfirm } from "./commit-confirm.ts";
import { Enforcer, type FlowCutOutcome } from "./enforcer.ts";
import { HubLink } from "./hub-link.ts";
import { fqdnsOf, resolveForEnforcement } from "./resolve-state.ts";

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
  /** The same desired state rolled back this many times is held back until it changes. */
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
  private readonly link: HubLink;
  private stopping = false;
  private stopReason: StopReason | null = null;
  private resolveStopped: (reason: StopReason) => void = () => {};
  readonly stopped: Promise<StopReason>;
  private fetchRequested = -1;
  private errors: string[] = [];
  private applyFailed = false;
  private driftToReport: string[] | null = null;
  /** Flows cut since the last report that reached the hub. */
  private flowsCutToReport: number | null = null;
  private flowCutWarned = false;
  private rollbackInFlight = false;
  private readonly rollbackCounts = new Map<string, number>();
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
      onChange: () => void this.writeStatus(),
      onRefused: (message) => void this.stop({ kind: "revoked", message }),
    });
    this.confirm = new CommitConfirm(options.commitConfirmMs, (pending) => void this.serial(() => this.rollBack(pending)));
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
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
    this.answers.load(record.answers);
    this.desired = { revision: record.revision, hash: record.desiredHash, state: record.state };
    this.log.info({ revision: record.revision }, "enforcing the last applied state from disk before any network");
    await this.reconcile("disk");
  }

  // --- the control plane ---------------------------------------------------------------

  private hello(): HelloMessage {
    this.fetchRequested = -1;
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
    switch (message.type) {
      case "state":
        void this.serial(() => this.onState(message));
        return;
      case "changed":
        // Coalesced: one fetch per newer revision; the state we get back may be newer still.
        if (message.revision > (this.desired?.revision ?? -1) && message.revision > this.fetchRequested) {
          this.fetchRequested = message.revision;
          this.link.send({ type: "fetch", revision: message.revision });
        }
        return;
      case "ack":
        void this.serial(() => this.onAck(message.revision));
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

  private async onState(message: StateMessage): Promise<void> {
    if (message.state.serverId !== this.options.config.serverId) {
      this.errors = [`refused a desired state for server ${message.state.serverId}: this agent is ${this.options.config.serverId}`];
      this.sendReport();
      return;
    }
    const timesRolledBack = this.rollbackCounts.get(message.hash) ?? 0;
    if (timesRolledBack >= (this.options.maxRollbacks ?? 3)) {
      this.errors = [`revision ${message.revision} was rolled back ${timesRolledBack} times (no ack after applying it); keeping revision ${this.enforcedDesired?.revision ?? "none"} until the desired state changes`];
      this.sendReport();
      return;
    }
    this.desired = { revision: message.revision, hash: message.hash, state: message.state };
    await this.answers.refresh(fqdnsOf(message.state));
    await this.reconcile("state");
    this.scheduleDns();
  }

  private async onAck(revision: number): Promise<void> {
    if (this.confirmed?.rollbackToReport && this.rollbackInFlight) {
      this.rollbackInFlight = false;
      this.confirmed = { ...this.confirmed, rollbackToReport: null };
      await saveAppliedRecord(this.options.paths.applied, this.confirmed);
    }
    if (this.confirm.acknowledge(revision)) {
      this.rollbackCounts.clear();
      this.log.info({ revision }, "the control plane confirmed the new ruleset");
      await this.persistConfirmed();
      await this.writeStatus();
    }
  }

  // --- enforcing -----------------------------------------------------------------------

  private async reconcile(cause: "disk" | "state" | "dns" | "retry"): Promise<void> {
    const desired = this.desired;
    if (desired === null) return;
    const { resolved, unresolved } = resolveForEnforcement(desired.state, this.answers.addressMap());
    let flowCut: FlowCutOutcome | null;
    try {
      flowCut = await this.enforcer.enforce(resolved);
    } catch (error) {
      this.applyFailed = true;
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
    const rulesetHash = this.enforcer.enforced?.summary.rulesetHash ?? "";
    if (unresolved.length > 0) this.log.warn({ unresolved }, "FQDNs left out of the ruleset (unresolved); everything else applied");
    this.log.info({ cause, revision: desired.revision, rulesetHash }, "ruleset enforced");
    const isNewRuleset = this.confirmed !== null && rulesetHash !== this.confirmed.rulesetHash;
    if (!isNewRuleset) {
      this.confirm.cancel();
      await this.persistConfirmed();
    } else if (cause === "state" && this.options.commitConfirmMs > 0) {
      this.confirm.await(desired.revision, rulesetHash);
    } else if (this.confirm.pending === null) {
      await this.persistConfirmed();
    }
    this.dnsSignature = this.dnsProblems();
    this.sendReport();
    await this.writeStatus();
  }

  private noteFlowCut(revision: number, outcome: FlowCutOutcome): void {
    this.log.info({ revision, revoked: outcome.revoked, flowsCut: outcome.cut }, "the new ruleset cut the open connections of sources that lost access");
    this.flowsCutToReport = (this.flowsCutToReport ?? 0) + outcome.cut;
    if (outcome.warning === null) return;
    this.errors = [outcome.warning];
    if (this.flowCutWarned) this.log.debug({ warning: outcome.warning }, "cut connections not counted");
    else this.log.warn({ revision }, `${outcome.warning}; the ruleset is applied and cuts them all the same (this warning is logged once)`);
    this.flowCutWarned = true;
  }

  private async rollBack(pending: PendingConfirm): Promise<void> {
    const previous = this.confirmed;
    if (previous === null) return;
    const seconds = Math.round(this.options.commitConfirmMs / 1000);
    const reason = `no ack from the control plane within ${seconds} s after applying revision ${pending.revision}; restored revision ${previous.revision}`;
    this.log.warn({ fromRevision: pending.revision, toRevision: previous.revision }, reason);
    if (this.desired) this.rollbackCounts.set(this.desired.hash, (this.rollbackCounts.get(this.desired.hash) ?? 0) + 1);
    this.desired = { revision: previous.revision, hash: previous.desiredHash, state: previous.state };
    this.confirmed = { ...previous, rollbackToReport: { fromRevision: pending.revision, reason } };
    await this.reconcile("retry");
    // The link did not carry an ack: start a fresh session, which re-syncs from a snapshot.
    this.link.restart();
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
      rollbackToReport: this.confirmed?.rollbackToReport ?? null,
    };
    await saveAppliedRecord(this.options.paths.applied, this.confirmed);
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
    if (this.applyFailed) return this.reconcile("retry");
    try {
      const problems = await this.enforcer.repairDrift();
      if (problems === null) return;
      this.log.warn({ problems }, "the live firewall had drifted from the enforced ruleset; repaired");
      this.driftToReport = problems;
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
    this.dnsTimer = setTimeout(() => void this.serial(() => this.refreshDns()), Math.max(0, next - Date.now()));
  }

  private async refreshDns(): Promise<void> {
    if (this.desired === null) return;
    const changed = await this.answers.refresh(fqdnsOf(this.desired.state));
    if (changed) {
      this.log.info("DNS answers changed; re-applying");
      await this.reconcile("dns");
    } else if (this.dnsProblems() !== this.dnsSignature) {
      this.dnsSignature = this.dnsProblems();
      this.sendReport();
      await this.writeStatus();
    }
    this.scheduleDns();
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
    const rollback = this.confirmed?.rollbackToReport ?? null;
    const report: ReportMessage = {
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
    if (rollback) report.rolledBack = rollback;
    if (this.driftToReport) report.drift = { problems: this.driftToReport };
    if (this.flowsCutToReport !== null) report.flowsCut = this.flowsCutToReport;
    return report;
  }

  private sendReport(): void {
    if (!this.link.connected) return;
    const report = this.buildReport();
    if (!this.link.send(report)) return;
    if (report.rolledBack) this.rollbackInFlight = true;
    this.driftToReport = null;
    this.flowsCutToReport = null;
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
        lastError: this.errors[0] ?? null,
        stoppedReason: this.stopReason ? (this.stopReason.kind === "revoked" ? this.stopReason.message : "stopped") : null,
        updatedAt: new Date().toISOString(),
      });
    } catch (error) {
      this.log.warn({ err: error }, "cannot write the status file");
    }
  }
}
