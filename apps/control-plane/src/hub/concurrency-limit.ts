// At most `limit` tasks in flight; the rest wait their turn in order. Used for desired-state
// loads: a fetch storm of 10,000 agents must queue, not open 40,000 queries at once and starve
// the database pool (and the reports and logins that share it).
export class ConcurrencyLimit {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.queue.shift()?.();
    }
  }
}
