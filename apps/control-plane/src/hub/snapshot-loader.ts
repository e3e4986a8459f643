// The hub's desired-state snapshots, loaded in batches: every fetch (and every hello that needs
// a state) asked for in the same turn of the event loop goes into one loadDesiredStates, a
// fixed number of queries for up to a few thousand servers, each server's `state` message
// written from its fold's JSON (snapshot-frame.ts). A fleet-wide change makes every connected
// agent fetch at once; one query per server would queue them for seconds.
import type { DesiredState } from "@gatehouse/core";
import type { Db } from "@gatehouse/db";
import { loadDesiredStates } from "../services/desired-state.ts";
import type { DesiredSnapshot } from "./hub-types.ts";
import { stateFrameWriter, type StateFrameWriter } from "./snapshot-frame.ts";
import { TickBatcher } from "./tick-batcher.ts";

/** Servers per batch: a few queries of this many ids each. */
const SERVERS_PER_BATCH = 2_000;
/** Batches loading at once: the database pool is shared with reports, logins and the API. */
const BATCHES_AT_ONCE = 2;

export interface SnapshotLoader {
  /** serverId -> its snapshot now; null when the server is gone or revoked (its agent is refused). */
  load(serverId: string): Promise<DesiredSnapshot | null>;
  /** Resolves once no snapshot is waiting to load or loading (the states asked for are sent). */
  idle(): Promise<void>;
}

export function batchedSnapshotLoader(prisma: Db, now: () => Date): SnapshotLoader {
  const batches = new TickBatcher<string, DesiredSnapshot>({
    load: async (serverIds) => {
      const loaded = await loadDesiredStates(prisma, serverIds, now());
      const writers = new Map<DesiredState, StateFrameWriter>();
      const snapshots = new Map<string, DesiredSnapshot>();
      for (const [serverId, { server, revision, hash, shared }] of loaded) {
        if (server.revokedAt !== null) continue;
        let writer = writers.get(shared);
        if (writer === undefined) writers.set(shared, (writer = stateFrameWriter(shared)));
        const write = writer;
        snapshots.set(serverId, { revision, hash, credentialHash: server.agentCredentialHash, frame: () => write({ revision, hash }, serverId) });
      }
      return snapshots;
    },
    maxBatch: SERVERS_PER_BATCH,
    concurrency: BATCHES_AT_ONCE,
  });
  return { load: (serverId) => batches.get(serverId), idle: () => batches.whenIdle() };
}
