// What the agent tells the control plane (reports) and the operator (the log and the status file
// `gatehouse-agent status` reads): one method per event of the sync loop. A report always carries
// the current state (what is enforced, DNS problems, the last error) and the news the outbox keeps
// until an ack confirms it (drift, cut flows, one rollback).
import type { Logger } from "pino";
import type { AgentMessage, ReportMessage, UnresolvedFqdn } from "@gatehouse/protocol";
import type { AnswerBook } from "../dns/answer-book.ts";
import type { CountryNetworks } from "../geo/country-networks.ts";
import { SerialQueue } from "../serial-queue.ts";
import { saveAgentStatus } from "../state/status-file.ts";
import { AGENT_VERSION } from "../version.ts";
import type { PendingConfirm, RollbackHold } from "./commit-confirm.ts";
import type { Enforcer, EnforceOutcome, FlowCutOutcome } from "./enforcer.ts";
import type { ReportOutbox } from "./report-outbox.ts";

interface ReporterOptions {
  serverId: string;
  statusPath: string;
  logger: Logger;
  link: { readonly connected: boolean; readonly connectedTo: string | null; readonly lastContactAt: Date | null; send(message: AgentMessage): boolean };
  enforcer: Pick<Enforcer, "enforced" | "backendName">;
  answers: AnswerBook;
  countries: Pick<CountryNetworks, "waiting">;
  outbox: ReportOutbox;
  confirmation: { readonly pending: PendingConfirm | null };
  hold: Pick<RollbackHold, "held" | "timesRolledBack">;
}

export class Reporter {
  private readonly log: Logger;
  private errors: string[] = [];
  private flowCutWarned = false;
  /** The DNS problems the last report of an enforced ruleset carried. */
  private dnsProblemsReported = "";
  private stoppedReason: string | null = null;
  private readonly statusWrites = new SerialQueue();

  constructor(private readonly options: ReporterOptions) {
    this.log = options.logger;
  }

  /** A ruleset is enforced: logged at once, reported by publishEnforced() once it is kept on disk. */
  enforced({ enforced, unresolved, flowCut }: EnforceOutcome, cause: string): void {
    const { revision } = enforced.desired;
    this.errors = [];
    if (flowCut) this.noteFlowCut(revision, flowCut);
    if (unresolved.length > 0) this.log.warn({ unresolved }, "FQDNs left out of the ruleset (unresolved); everything else applied");
    this.log.info({ cause, revision, rulesetHash: enforced.summary.rulesetHash }, "ruleset enforced");
  }

  publishEnforced(): Promise<void> {
    this.dnsProblemsReported = this.dnsProblems();
    return this.publish();
  }

  applyFailed(revision: number, error: unknown): Promise<void> {
    this.errors = [`applying revision ${revision} failed: ${(error as Error).message}; the previous ruleset stays enforced`];
    this.log.error({ revision, err: error }, "apply failed; the previous ruleset stays enforced");
    return this.publish();
  }

  /** A state this agent must not apply (another server's). */
  refused(message: string): void {
    this.errors = [message];
    this.send();
  }

  driftRepaired(problems: string[]): Promise<void> {
    this.log.warn({ problems }, "the live firewall had drifted from the enforced ruleset; repaired");
    this.options.outbox.addDrift(problems);
    return this.publish();
  }

  driftCheckFailed(error: unknown): void {
    this.errors = [`drift check failed: ${(error as Error).message}`];
    this.log.error({ err: error }, "drift check failed");
  }

  rolledBack(fromRevision: number, toRevision: number, windowMs: number): void {
    const reason = `no ack from the control plane within ${Math.round(windowMs / 1000)} s after applying revision ${fromRevision}; took back the access it added, keeping what it removed`;
    this.log.warn({ fromRevision, toRevision }, reason);
    this.options.outbox.addRollback({ fromRevision, reason });
  }

  holdStarted(revision: number): void {
    this.log.warn({ revision }, this.heldMessage(revision));
  }

  held(revision: number): Promise<void> {
    this.errors = [this.heldMessage(revision)];
    this.log.warn({ revision }, this.errors[0]);
    return this.publish();
  }

  holdEnded(revision: number): void {
    this.errors = [];
    this.log.info({ revision }, "the control plane confirmed contact; applying the held revision again");
  }

  /** After a DNS refresh that changed no address: reports when the names' problems did change. */
  async dnsRefreshed(): Promise<void> {
    if (this.dnsProblems() === this.dnsProblemsReported) return;
    this.dnsProblemsReported = this.dnsProblems();
    await this.publish();
  }

  stopping(reason: string): void {
    this.stoppedReason = reason;
  }

  /** The current state, with the news (drift, cut flows, one rollback) kept until an ack confirms it. */
  send(): void {
    if (!this.options.link.connected) return;
    const { report, news } = this.options.outbox.attach(this.buildReport());
    if (this.options.link.send(report)) this.options.outbox.sent(news);
  }

  /** Status writes are queued so an older snapshot can never land after a newer one. */
  writeStatus(): Promise<void> {
    return this.statusWrites.run(() => this.saveStatusNow());
  }

  private publish(): Promise<void> {
    this.send();
    return this.writeStatus();
  }

  private noteFlowCut(revision: number, outcome: FlowCutOutcome): void {
    this.log.info({ revision, revoked: outcome.revoked, flowsCut: outcome.cut }, "the new ruleset cut the open connections of sources that lost access");
    this.options.outbox.addFlowsCut(outcome.cut);
    if (outcome.warning === null) return;
    this.errors = [outcome.warning];
    if (this.flowCutWarned) this.log.debug({ warning: outcome.warning }, "cut connections not counted");
    else this.log.warn({ revision }, `${outcome.warning}; the ruleset is applied and cuts them all the same (this warning is logged once)`);
    this.flowCutWarned = true;
  }

  private heldMessage(revision: number): string {
    const times = this.options.hold.timesRolledBack(revision);
    const enforcing = this.options.enforcer.enforced?.desired.revision ?? "none";
    return `revision ${revision} was rolled back ${times} times (no ack after applying it); holding it until the control plane confirms contact, enforcing revision ${enforcing} meanwhile`;
  }

  private enforcedFqdns(): readonly string[] {
    return this.options.enforcer.enforced?.desired.fqdns ?? [];
  }

  private dnsProblems(): string {
    const fqdns = this.enforcedFqdns();
    return JSON.stringify([this.unresolved(), this.options.answers.staleErrors(fqdns)]);
  }

  /** Host names without addresses, and countries without networks (their entries allow nothing). */
  private unresolved(): UnresolvedFqdn[] {
    const state = this.options.enforcer.enforced?.desired.state;
    return [...this.options.answers.unresolved(this.enforcedFqdns()), ...(state ? this.options.countries.waiting(state) : [])];
  }

  private buildReport(): ReportMessage {
    const enforced = this.options.enforcer.enforced;
    const { answers } = this.options;
    const fqdns = this.enforcedFqdns();
    return {
      type: "report",
      appliedRevision: enforced?.desired.revision ?? 0,
      rulesetHash: enforced?.summary.rulesetHash ?? "",
      desiredHash: enforced?.desired.hash ?? "",
      setSizes: enforced?.summary.setSizes ?? {},
      ruleCount: enforced?.summary.ruleCount ?? 0,
      unresolved: this.unresolved(),
      resolutions: answers.resolutions(fqdns),
      errors: [...this.errors, ...answers.staleErrors(fqdns)].slice(0, 100),
      agentVersion: AGENT_VERSION,
      backend: this.options.enforcer.backendName,
    };
  }

  private async saveStatusNow(): Promise<void> {
    const enforced = this.options.enforcer.enforced;
    const pending = this.options.confirmation.pending;
    const contact = this.options.link.lastContactAt;
    try {
      await saveAgentStatus(this.options.statusPath, {
        pid: process.pid,
        agentVersion: AGENT_VERSION,
        backend: this.options.enforcer.backendName,
        serverId: this.options.serverId,
        revision: enforced?.desired.revision ?? null,
        desiredHash: enforced?.desired.hash ?? null,
        rulesetHash: enforced?.summary.rulesetHash ?? null,
        setSizes: enforced?.summary.setSizes ?? {},
        ruleCount: enforced?.summary.ruleCount ?? 0,
        unresolved: this.unresolved(),
        connected: this.options.link.connected,
        connectedTo: this.options.link.connectedTo,
        lastContactAt: contact?.toISOString() ?? null,
        awaitingConfirmSince: pending ? pending.since.toISOString() : null,
        heldRevision: this.options.hold.held,
        lastError: this.errors[0] ?? null,
        stoppedReason: this.stoppedReason,
        updatedAt: new Date().toISOString(),
      });
    } catch (error) {
      this.log.warn({ err: error }, "cannot write the status file");
    }
  }
}
