// What the control plane has confirmed, and what the agent falls back to meanwhile, kept on disk
// (applied.json: what boot enforces). A new state that only takes access away is kept at once,
// link or no link. One that adds access waits for the control plane's ack (commit-confirm); until
// then the disk, and a rollback when the window passes, hold only what both the confirmed and the
// new state allow (core's confirmFallback), so neither ever gives back access an operator removed.
import type { Logger } from "pino";
import { confirmFallback, hashDesiredState } from "@gatehouse/core";
import type { AnswerBook } from "../dns/answer-book.ts";
import type { BackendName } from "../firewall/backend.ts";
import { saveAppliedRecord, type AppliedRecord } from "../state/applied-record.ts";
import { CommitConfirm, type PendingConfirm } from "./commit-confirm.ts";
import { desiredOf, type Desired } from "./desired.ts";
import type { Enforced } from "./enforcer.ts";
import type { ReportOutbox } from "./report-outbox.ts";

interface ConfirmationOptions {
  /** Commit-confirm window; 0 disables it (every state is kept at once). */
  windowMs: number;
  appliedPath: string;
  backendName: BackendName;
  /** The DNS answers kept with a state on disk. */
  answers: AnswerBook;
  /** The rollbacks still to report, kept on disk with the state. */
  outbox: ReportOutbox;
  logger: Logger;
  /** The window passed without an ack: the caller applies takeFallback(). */
  onExpired: (pending: PendingConfirm) => void;
}

export class Confirmation {
  private confirmed: AppliedRecord | null = null;
  /** The record last written: the confirmed state, or while a new one awaits its ack, the fallback. */
  private onDisk: AppliedRecord | null = null;
  private fallback: Desired | null = null;
  private readonly window: CommitConfirm;

  constructor(private readonly options: ConfirmationOptions) {
    this.window = new CommitConfirm(options.windowMs, options.onExpired);
  }

  /** The new ruleset waiting for the control plane's ack, if any. */
  get pending(): PendingConfirm | null {
    return this.window.pending;
  }

  /** The record read from disk at start: the confirmed state. */
  loaded(record: AppliedRecord): void {
    this.confirmed = record;
    this.onDisk = record;
  }

  /** After an apply: a new state awaits its ack (or is kept at once); anything else is kept unless a new state awaits one. */
  async settle(enforced: Enforced, newState: boolean): Promise<void> {
    if (newState) return this.awaitAck(enforced);
    if (this.window.pending === null) await this.keep(enforced);
  }

  /** An ack of `revision`; true when it confirms the pending ruleset, which is then kept. */
  async acknowledge(revision: number, enforced: Enforced | null): Promise<boolean> {
    if (!this.window.acknowledge(revision)) return false;
    this.fallback = null;
    this.options.logger.info({ revision }, "the control plane confirmed the new ruleset");
    if (enforced !== null) await this.keep(enforced);
    return true;
  }

  /** What to enforce when the window passed: only what both states allow (null: nothing to take back). */
  takeFallback(): Desired | null {
    const fallback = this.fallback;
    this.fallback = null;
    return fallback;
  }

  /** The record on disk, written again with the rollbacks still to report. */
  async saveRollbacks(): Promise<void> {
    if (this.onDisk !== null) await this.save(this.onDisk);
  }

  cancel(): void {
    this.window.cancel();
  }

  private async awaitAck(enforced: Enforced): Promise<void> {
    const confirmed = this.confirmed;
    const fallback = confirmed && this.options.windowMs > 0 ? confirmFallback(confirmed.state, enforced.desired.state) : null;
    if (confirmed === null || fallback === null || fallback.onlyRemovesAccess) {
      this.window.cancel();
      this.fallback = null;
      return this.keep(enforced);
    }
    const target = desiredOf(confirmed.revision, hashDesiredState(fallback.state), fallback.state);
    this.fallback = target;
    await this.save({ ...confirmed, desiredHash: target.hash, state: target.state, answers: this.options.answers.resolutions(target.fqdns), rulesetHash: "", savedAt: new Date().toISOString() });
    this.window.await(enforced.desired.revision, enforced.summary.rulesetHash);
  }

  private async keep({ desired, summary }: Enforced): Promise<void> {
    this.confirmed = {
      revision: desired.revision,
      desiredHash: desired.hash,
      state: desired.state,
      answers: this.options.answers.resolutions(desired.fqdns),
      rulesetHash: summary.rulesetHash,
      savedAt: new Date().toISOString(),
      backend: this.options.backendName,
      rollbacksToReport: [],
    };
    await this.save(this.confirmed);
  }

  /** What boot enforces, with the backend enforcing it and the rollbacks still to report. */
  private async save(record: AppliedRecord): Promise<void> {
    this.onDisk = { ...record, backend: this.options.backendName, rollbacksToReport: this.options.outbox.rollbacksToReport };
    await saveAppliedRecord(this.options.appliedPath, this.onDisk);
  }
}
