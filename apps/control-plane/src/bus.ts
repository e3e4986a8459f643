// The RevisionBus: after a change is COMMITTED, runMutation publishes the new revision of every
// server it affected; the agent hub (and the expiry sweeper) listen. It only ever carries
// numbers, never allowlists: a listener that wants the state loads it (loadDesiredState).
// Structurally a RevisionFeed (hub/hub-types.ts), so the hub subscribes to it directly.
//
// Across replicas (cluster/): inside the transaction, `announce` hands the changes to the
// announcer (PostgreSQL NOTIFY, delivered to the other replicas only if the transaction
// commits); they come back on the other replicas as `publish`, or, for a bump too big to name
// server by server or after a lost LISTEN connection, as `recheck`: "compare what you hold with
// the database".
import type { Tx } from "@gatehouse/db";
import type { Logger } from "./logger.ts";

export interface RevisionChange {
  serverId: string;
  revision: number;
}

export type RevisionListener = (change: RevisionChange) => void;

/** Tells the other replicas, in the committing transaction. */
export interface RevisionAnnouncer {
  announce(tx: Tx, changes: readonly RevisionChange[]): Promise<void>;
}

export class RevisionBus {
  private readonly listeners = new Set<RevisionListener>();
  private readonly recheckListeners = new Set<() => void>();
  private announcer: RevisionAnnouncer | null = null;

  /** `onListenerError` hears a listener's throw; one failing listener never stops the others. */
  constructor(private readonly onListenerError?: Logger) {}

  /** Set once by the cluster link when this process is one replica of several. */
  announceThrough(announcer: RevisionAnnouncer): void {
    this.announcer = announcer;
  }

  /** In the transaction making the changes; a no-op for a single replica. */
  async announce(tx: Tx, changes: readonly RevisionChange[]): Promise<void> {
    if (changes.length > 0) await this.announcer?.announce(tx, changes);
  }

  /** Tells every listener, in order, about each change. Call only after the commit. */
  publish(changes: readonly RevisionChange[]): void {
    for (const change of changes) {
      for (const listener of this.listeners) this.safely(() => listener(change), change.serverId);
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: RevisionListener): () => void {
    return addTo(this.listeners, (change: RevisionChange) => listener(change));
  }

  /** Something changed that was not named server by server: listeners re-read the database. */
  recheck(): void {
    for (const listener of this.recheckListeners) this.safely(listener, null);
  }

  /** Returns the unsubscribe function. */
  onRecheck(listener: () => void): () => void {
    return addTo(this.recheckListeners, () => listener());
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private safely(call: () => void, serverId: string | null): void {
    try {
      call();
    } catch (error) {
      this.onListenerError?.error({ err: error, serverId }, "a revision listener failed");
    }
  }
}

/** Adds a fresh wrapper (so one function may subscribe twice and unsubscribe each independently). */
function addTo<T>(set: Set<T>, entry: T): () => void {
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}
