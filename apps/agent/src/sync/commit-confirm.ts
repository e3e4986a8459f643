// Commit-confirm (after network gear's "commit confirmed"): a NEW ruleset is only kept if
// the control plane acknowledges its report within the window; otherwise the caller rolls
// back to the last confirmed ruleset. Re-applying the same ruleset keeps the first deadline.
export interface PendingConfirm {
  revision: number;
  rulesetHash: string;
  since: Date;
}

export class CommitConfirm {
  private pendingConfirm: PendingConfirm | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly onExpired: (pending: PendingConfirm) => void,
  ) {}

  get pending(): PendingConfirm | null {
    return this.pendingConfirm;
  }

  /** Starts (or, for the same ruleset, keeps) the wait for an ack of `revision`. */
  await(revision: number, rulesetHash: string): void {
    if (this.pendingConfirm?.rulesetHash === rulesetHash) {
      this.pendingConfirm.revision = revision;
      return;
    }
    this.cancel();
    const pending = { revision, rulesetHash, since: new Date() };
    this.pendingConfirm = pending;
    this.timer = setTimeout(() => {
      if (this.pendingConfirm !== pending) return;
      this.pendingConfirm = null;
      this.onExpired(pending);
    }, this.windowMs);
  }

  /** True when `revision` confirms the pending ruleset (which is then no longer pending). */
  acknowledge(revision: number): boolean {
    if (this.pendingConfirm === null || revision < this.pendingConfirm.revision) return false;
    this.cancel();
    return true;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingConfirm = null;
  }
}
