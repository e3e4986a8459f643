// What the agent must tell the control plane once, and keeps until the control plane has
// acknowledged a report carrying it: drift it repaired, open flows an apply cut, drop telemetry, and each
// commit-confirm rollback (one per report, so each is audited once). A report lost with its
// link puts its news back for the next one. The hub acks every report in order, so the oldest
// report in flight is the one an ack confirms.
import { KNOCK_INTERVALS_PER_REPORT, type KnockIntervalMessage, type ReportMessage } from "@gatehouse/protocol";
import type { RollbackToReport } from "../state/applied-record.ts";

/** The news one report carries. */
export interface ReportNews {
  drift: string[] | null;
  flowsCut: number | null;
  rollback: RollbackToReport | null;
  /** Drop-telemetry intervals, oldest first. */
  knocks: KnockIntervalMessage[];
}

/** The newest intervals that fit in one report: while the link is down, the oldest give way. */
function newestKnocks(knocks: KnockIntervalMessage[]): KnockIntervalMessage[] {
  return knocks.slice(-KNOCK_INTERVALS_PER_REPORT);
}

function mergeDrift(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null) return b;
  if (b === null) return a;
  return [...new Set([...a, ...b])].slice(0, 100);
}

export class ReportOutbox {
  private drift: string[] | null = null;
  private flowsCut: number | null = null;
  private knocks: KnockIntervalMessage[] = [];
  /** Rollbacks not yet acknowledged, oldest first (kept on disk by the runtime). */
  private rollbacks: RollbackToReport[] = [];
  private readonly inFlight: ReportNews[] = [];

  /** Rollbacks still to be acknowledged, for the applied record. */
  get rollbacksToReport(): RollbackToReport[] {
    return [...this.rollbacks];
  }

  /** Whether some news has not been sent in a report yet. */
  get hasUnsent(): boolean {
    return this.drift !== null || this.flowsCut !== null || this.knocks.length > 0 || this.unsentRollback() !== null;
  }

  loadRollbacks(rollbacks: RollbackToReport[]): void {
    this.rollbacks = [...rollbacks];
  }

  addDrift(problems: string[]): void {
    this.drift = mergeDrift(this.drift, problems);
  }

  addFlowsCut(count: number): void {
    this.flowsCut = (this.flowsCut ?? 0) + count;
  }

  addKnocks(interval: KnockIntervalMessage): void {
    this.knocks = newestKnocks([...this.knocks, interval]);
  }

  addRollback(rollback: RollbackToReport): void {
    this.rollbacks.push(rollback);
  }

  /** `report` with the news not yet in flight; call sent() when it went out. */
  attach(report: ReportMessage): { report: ReportMessage; news: ReportNews } {
    const news: ReportNews = { drift: this.drift, flowsCut: this.flowsCut, rollback: this.unsentRollback(), knocks: this.knocks };
    const withNews: ReportMessage = { ...report };
    if (news.drift) withNews.drift = { problems: news.drift };
    if (news.flowsCut !== null) withNews.flowsCut = news.flowsCut;
    if (news.rollback) withNews.rolledBack = news.rollback;
    if (news.knocks.length > 0) withNews.knocks = news.knocks;
    return { report: withNews, news };
  }

  sent(news: ReportNews): void {
    this.inFlight.push(news);
    if (news.drift) this.drift = null;
    if (news.flowsCut !== null) this.flowsCut = null;
    if (news.knocks.length > 0) this.knocks = [];
  }

  /** The control plane stored the oldest report in flight; true when a rollback left the queue. */
  acknowledged(): boolean {
    const news = this.inFlight.shift();
    if (!news?.rollback) return false;
    this.rollbacks = this.rollbacks.filter((rollback) => rollback !== news.rollback);
    return true;
  }

  /** The session ended: what its unacknowledged reports carried goes out again in the next one. */
  sessionEnded(): void {
    for (const news of this.inFlight.splice(0)) {
      this.drift = mergeDrift(news.drift, this.drift);
      if (news.flowsCut !== null) this.flowsCut = (this.flowsCut ?? 0) + news.flowsCut;
      this.knocks = newestKnocks([...news.knocks, ...this.knocks]);
    }
  }

  private unsentRollback(): RollbackToReport | null {
    const flying = new Set(this.inFlight.map((news) => news.rollback));
    return this.rollbacks.find((rollback) => !flying.has(rollback)) ?? null;
  }
}
