// Who runs the once-only jobs (the expiry sweeper, reaping dead replicas). Several replicas on
// PostgreSQL elect one by an advisory lock (cluster-link.ts); a control plane alone on its
// database (PGlite, or a test's own client) is always the leader.
export interface Leadership {
  readonly isLeader: boolean;
  /** Called at once with the current answer, then on every change; returns the unsubscribe. */
  onChange(listener: (leader: boolean) => void): () => void;
}

export const ALONE: Leadership = {
  isLeader: true,
  onChange(listener) {
    listener(true);
    return () => undefined;
  },
};
