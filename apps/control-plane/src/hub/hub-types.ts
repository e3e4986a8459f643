// The hub's view of the rest of the control plane: where revisions come from and how a
// server's desired state is loaded. agent-hub-extension.ts binds them to the real bus
// and services, so the hub itself has no knowledge of how they are built.

export interface RevisionEvent {
  serverId: string;
  revision: number;
}

/** Published after commit for every server whose desired state changed. */
export interface RevisionFeed {
  subscribe(listener: (event: RevisionEvent) => void): () => void;
  /** "Compare what you hold with the database": a change not named server by server, or a lost LISTEN. */
  onRecheck(listener: () => void): () => void;
}

export interface DesiredSnapshot {
  revision: number;
  /** hashDesiredState(state). */
  hash: string;
  /** The server's agent credential hash as loaded with the state: a connection holding another one was re-enrolled away. */
  credentialHash: string | null;
  /**
   * Writes the `state` message {type, revision, hash, state} as sent (snapshot-frame.ts): when
   * it is sent, so that a batch of large states is not held in memory all at once.
   */
  frame: () => Buffer;
}
