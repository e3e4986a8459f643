// Commit-confirm (after network gear's "commit confirmed"): access a NEW ruleset adds is only
// kept if the control plane acknowledges its report within the window; otherwise the caller
// falls back to what both the confirmed and the new state allow (core's confirmFallback), so a
// rollback never gives back access the new state removed. Re-applying the same ruleset keeps
// the first deadline. A revision rolled back too often is held (RollbackHold).
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

/**
 * A revision rolled back `limit` times is held: the agent stops re-applying it, says so, and
 * reports it, until the next confirmed contact with the control plane (an ack) shows the link
 * carries confirmations again. Per revision: any newer revision is applied as usual.
 */
export class RollbackHold {
  private readonly rollbacks = new Map<number, number>();
  private heldRevision: number | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly limit: number) {}

  get held(): number | null {
    return this.heldRevision;
  }

  /** Counts a rollback of `revision`; true when that revision is now held. */
  rolledBack(revision: number): boolean {
    const count = (this.rollbacks.get(revision) ?? 0) + 1;
    this.rollbacks.set(revision, count);
    if (count >= this.limit) this.heldRevision = revision;
    return this.heldRevision === revision;
  }

  isHeld(revision: number): boolean {
    return this.heldRevision === revision;
  }

  timesRolledBack(revision: number): number {
    return this.rollbacks.get(revision) ?? 0;
  }

  /** While a revision is held, `tick` runs every `everyMs` (the held report: its ack is the confirmed contact). */
  repeat(everyMs: number, tick: () => void): void {
    clearInterval(this.timer);
    this.timer = setInterval(tick, everyMs);
  }

  /** The control plane confirmed contact: counts start over; returns the revision that was held. */
  clear(): number | null {
    const held = this.heldRevision;
    if (held !== null) this.stop();
    this.heldRevision = null;
    this.rollbacks.clear();
    return held;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
