// The in-process RevisionBus: after a change is COMMITTED, runMutation publishes the new revision
// of every server it affected; the agent hub (and the expiry sweeper) listen. It only ever carries
// numbers, never allowlists: a listener that wants the state loads it (loadDesiredState).
// Structurally a RevisionFeed (hub/hub-types.ts), so the hub subscribes to it directly.
import type { Logger } from "./logger.ts";

export interface RevisionChange {
  serverId: string;
  revision: number;
}

export type RevisionListener = (change: RevisionChange) => void;

export class RevisionBus {
  private readonly listeners = new Set<RevisionListener>();

  /** `onListenerError` hears a listener's throw; one failing listener never stops the others. */
  constructor(private readonly onListenerError?: Logger) {}

  /** Tells every listener, in order, about each change. Call only after the commit. */
  publish(changes: readonly RevisionChange[]): void {
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (error) {
          this.onListenerError?.error({ err: error, serverId: change.serverId }, "a revision listener failed");
        }
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: RevisionListener): () => void {
    // Wrapped so the same function may subscribe twice and unsubscribe each independently.
    const entry: RevisionListener = (change) => listener(change);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
