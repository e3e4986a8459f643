// Gathers the keys asked for in one turn of the event loop and loads them with one call, then
// answers each asker with its own key's value. When thousands of agents ask at once (their
// reconnects after a restart, their fetches after a fleet-wide change), one query for a
// thousand keys beats a thousand queries. At most `concurrency` loads run at once; keys asked
// for meanwhile wait and go together in the next batch, so the database pool (shared with
// reports, logins and the API) is never flooded, and batches grow as the storm does.
export interface TickBatcherOptions<K, V> {
  /** The values of `keys` (distinct); a key missing from the answer resolves to null. */
  load: (keys: K[]) => Promise<ReadonlyMap<K, V>>;
  /** Keys per load at most (PostgreSQL takes 65,535 bind parameters). */
  maxBatch: number;
  /** Loads in flight at once at most. */
  concurrency: number;
}

interface Asker<V> {
  resolve: (value: V | null) => void;
  reject: (error: unknown) => void;
}

export class TickBatcher<K, V> {
  private waiting = new Map<K, Asker<V>[]>();
  private scheduled = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: TickBatcherOptions<K, V>) {}

  /** `key`'s value as loaded after this call (never an answer loaded before it); null if none. */
  get(key: K): Promise<V | null> {
    return new Promise((resolve, reject) => {
      const askers = this.waiting.get(key);
      if (askers === undefined) this.waiting.set(key, [{ resolve, reject }]);
      else askers.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once no key is waiting and no load is running (at once when that is so now). */
  whenIdle(): Promise<void> {
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private get isIdle(): boolean {
    return this.waiting.size === 0 && this.inFlight === 0;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.size === 0 || this.inFlight >= this.options.concurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startLoads();
    });
  }

  private startLoads(): void {
    while (this.waiting.size > 0 && this.inFlight < this.options.concurrency) {
      const batch = this.takeBatch();
      this.inFlight += 1;
      void this.load(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
        if (this.isIdle) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  private takeBatch(): Map<K, Asker<V>[]> {
    if (this.waiting.size <= this.options.maxBatch) {
      const all = this.waiting;
      this.waiting = new Map();
      return all;
    }
    const batch = new Map<K, Asker<V>[]>();
    for (const [key, askers] of this.waiting) {
      if (batch.size >= this.options.maxBatch) break;
      batch.set(key, askers);
      this.waiting.delete(key);
    }
    return batch;
  }

  private async load(batch: Map<K, Asker<V>[]>): Promise<void> {
    let values: ReadonlyMap<K, V>;
    try {
      values = await this.options.load([...batch.keys()]);
    } catch (error) {
      for (const askers of batch.values()) for (const asker of askers) asker.reject(error);
      return;
    }
    for (const [key, askers] of batch) {
      const value = values.get(key) ?? null;
      for (const asker of askers) asker.resolve(value);
    }
  }
}
