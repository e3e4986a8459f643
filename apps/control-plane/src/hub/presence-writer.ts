// Agent presence in the database, so every replica's fleet status tells the truth: a connect
// sets Server.connectedReplicaId to this replica (and lastSeenAt), a disconnect clears it, but
// only if it still names this replica (the agent may already be on another one). Written in
// batches: 10,000 agents reconnecting after a restart cost a few UPDATEs, not 10,000. Each
// UPDATE locks its rows in id order first (server-row-locks.ts), as reports and revision bumps do.
import type { Logger } from "pino";
import type { PrismaClient } from "@gatehouse/db";
import { idChunks } from "./id-chunks.ts";
import { lockServersInIdOrder } from "./server-row-locks.ts";

const RETRY_DELAY_MS = 1_000;

export interface PresenceWriterOptions {
  prisma: PrismaClient;
  replicaId: string;
  logger: Logger;
  now?: () => Date;
  /** How long connects and disconnects gather before one write (default 20 ms; a write in flight gathers the rest). */
  intervalMs?: number;
}

export class PresenceWriter {
  /** serverId -> connected now (true) or gone (false): the last word wins. */
  private pending = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: PresenceWriterOptions) {}

  connected(serverId: string): void {
    this.queue(serverId, true);
  }

  disconnected(serverId: string): void {
    this.queue(serverId, false);
  }

  /** Writes what is pending; flushes never overlap, so a later word is never overtaken. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  /** Every server still connected here is written as gone, then everything is flushed. */
  async close(stillConnected: readonly string[]): Promise<void> {
    this.closed = true;
    for (const id of stillConnected) this.pending.set(id, false);
    await this.flush();
  }

  private queue(serverId: string, connected: boolean, delayMs = this.options.intervalMs ?? 20): void {
    // close() has written every connection here as gone; sockets that end afterwards add nothing.
    if (this.closed) return;
    this.pending.set(serverId, connected);
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }

  private async write(batch: Map<string, boolean>): Promise<void> {
    const connects = [...batch].filter(([, up]) => up).map(([id]) => id);
    const disconnects = [...batch].filter(([, up]) => !up).map(([id]) => id);
    const { prisma, replicaId } = this.options;
    const at = (this.options.now ?? (() => new Date()))();
    for (const chunk of idChunks(connects)) {
      await this.guarded(chunk, true, prisma.server.updateMany({ where: { id: { in: chunk } }, data: { connectedReplicaId: replicaId, connectedAt: at, lastSeenAt: at } }));
    }
    for (const chunk of idChunks(disconnects)) {
      await this.guarded(chunk, false, prisma.server.updateMany({ where: { id: { in: chunk }, connectedReplicaId: replicaId }, data: { connectedReplicaId: null, connectedAt: null, lastSeenAt: at } }));
    }
  }

  /** A write that fails (a busy pool in a reconnect storm) is queued again, unless a newer word came meanwhile. */
  private async guarded(chunk: string[], connected: boolean, update: ReturnType<PrismaClient["server"]["updateMany"]>): Promise<void> {
    try {
      await this.options.prisma.$transaction([lockServersInIdOrder(this.options.prisma, chunk), update]);
    } catch (error) {
      this.options.logger.warn({ err: error, servers: chunk.length }, "cannot record agent presence yet: retrying");
      if (this.closed) return;
      for (const id of chunk) if (!this.pending.has(id)) this.queue(id, connected, RETRY_DELAY_MS);
    }
  }
}
