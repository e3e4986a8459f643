// When the agent asks DNS again: at the earliest due answer of the names the desired state needs
// (each due at its clamped TTL, or sooner after a failure; see dns/answer-book.ts). The lookups
// run here, outside the apply queue, so a hanging DNS server never delays an allowlist change;
// only applying their answers waits in the queue (`onRefreshed`), and the next refresh is planned
// once that is done.
import type { AnswerBook } from "../dns/answer-book.ts";
import type { Desired } from "./desired.ts";

export class DnsSchedule {
  private following: Desired | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** @param onRefreshed applies a refresh's outcome (true: some FQDN's addresses changed). */
  constructor(
    private readonly answers: AnswerBook,
    private readonly onRefreshed: (changed: boolean) => Promise<void>,
  ) {}

  /** Keeps `desired`'s names fresh from now on, instead of the ones followed before. */
  follow(desired: Desired): void {
    this.following = desired;
    this.plan();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private plan(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.following === null) return;
    const next = this.answers.nextDueAt(this.following.fqdns);
    if (next === null) return;
    this.timer = setTimeout(() => void this.refresh(), Math.max(0, next - Date.now()));
  }

  private async refresh(): Promise<void> {
    if (this.following === null || this.stopped) return;
    const changed = await this.answers.refresh(this.following.fqdns);
    await this.onRefreshed(changed);
    this.plan();
  }
}
