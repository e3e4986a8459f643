// When the agent compares the live firewall with what it enforces: at once when the netfilter
// watcher sees someone change it (one check queued per burst of changes, however many arrive
// while it waits), and every interval as the fallback for what the watcher cannot see.
import type { ChangeWatcher } from "../firewall/netfilter-watcher.ts";

export class DriftChecks {
  private timer: NodeJS.Timeout | undefined;
  private queued = false;

  constructor(
    private readonly options: {
      intervalMs: number;
      watcher: ChangeWatcher | null;
      /** Runs a task in the sync loop's queue. */
      inQueue: (task: () => Promise<void>) => Promise<void>;
      check: () => Promise<void>;
    },
  ) {}

  start(): void {
    const { intervalMs, watcher, inQueue, check } = this.options;
    this.timer = setInterval(() => void inQueue(check), intervalMs);
    watcher?.start(() => this.soon());
  }

  stop(): void {
    clearInterval(this.timer);
    this.options.watcher?.stop();
  }

  private soon(): void {
    if (this.queued) return;
    this.queued = true;
    void this.options.inQueue(() => {
      this.queued = false;
      return this.options.check();
    });
  }
}
