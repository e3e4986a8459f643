// Every control-plane process is a row in ControlPlaneReplica while it runs, and beats (every
// 5 s) by stamping it with the DATABASE's clock, so replicas on hosts with different clocks
// agree on who is alive. An agent is online when the replica it is connected to is alive: a
// replica killed with its 10,000 agents stops beating, its agents show offline within the
// liveness window, and the leader then deletes its row, which clears their presence
// (Server.connectedReplicaId ON DELETE SET NULL) unless they already reconnected elsewhere.
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "@gatehouse/db";
import type { Logger } from "../logger.ts";

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** Three missed beats and a replica is dead. */
const LIVENESS_WINDOW_MS = 3 * HEARTBEAT_INTERVAL_MS;

const dbNow = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export interface ReplicaRegistryOptions {
  prisma: PrismaClient;
  logger: Logger;
  listenUrl: string;
  heartbeatIntervalMs?: number;
  /** Our row was gone at a beat (reaped while this process was frozen): presence must be written again. */
  onReaped?: () => void;
}

export class ReplicaRegistry {
  readonly id = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private listenUrl: string;

  constructor(private readonly options: ReplicaRegistryOptions) {
    this.listenUrl = options.listenUrl;
  }

  /** Inserts this replica's row and starts beating. */
  async register(): Promise<void> {
    await this.insertRow();
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Once the HTTP server listens (port 0 in tests). */
  async setListenUrl(listenUrl: string): Promise<void> {
    this.listenUrl = listenUrl;
    await this.options.prisma.controlPlaneReplica.update({ where: { id: this.id }, data: { listenUrl } });
  }

  /**
   * Leader only: deletes replicas that stopped beating; their agents' presence goes with them.
   * The delete's ON DELETE SET NULL would update their Server rows in heap order, and a
   * presence or report batch locks Server rows in id order (server-row-locks.ts): the two
   * deadlocked (40P01) when a replica died with thousands of agents moving to the others. So
   * the rows are locked in id order first, in the same transaction, with the same clock.
   */
  async reapDead(): Promise<number> {
    const { prisma } = this.options;
    const dead = Prisma.sql`SELECT "id" FROM "ControlPlaneReplica" WHERE "heartbeatAt" < ${dbNow} - make_interval(secs => ${LIVENESS_WINDOW_MS / 1000})`;
    const [, reaped] = await prisma.$transaction([
      prisma.$executeRaw`SELECT 1 FROM "Server" WHERE "connectedReplicaId" IN (${dead}) ORDER BY "id" FOR NO KEY UPDATE`,
      prisma.$executeRaw`DELETE FROM "ControlPlaneReplica" WHERE "id" IN (${dead})`,
    ]);
    if (reaped > 0) this.options.logger.warn({ replicas: reaped }, "control-plane replicas stopped beating: their agents' presence is cleared");
    return reaped;
  }

  /** Stops beating and deletes the row (the hub has written its disconnects first). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.options.prisma.controlPlaneReplica.deleteMany({ where: { id: this.id } });
  }

  private async beat(): Promise<void> {
    try {
      const beaten = await this.options.prisma.$executeRaw`UPDATE "ControlPlaneReplica" SET "heartbeatAt" = ${dbNow} WHERE "id" = ${this.id}`;
      if (beaten === 1) return;
      this.options.logger.warn({ replica: this.id }, "this replica was declared dead (missed beats): registering again");
      await this.insertRow();
      this.options.onReaped?.();
    } catch (error) {
      this.options.logger.warn({ err: error }, "replica heartbeat failed");
    }
  }

  private async insertRow(): Promise<void> {
    await this.options.prisma.$executeRaw`
      INSERT INTO "ControlPlaneReplica" ("id", "listenUrl", "startedAt", "heartbeatAt")
      VALUES (${this.id}, ${this.listenUrl}, ${dbNow}, ${dbNow}) ON CONFLICT ("id") DO NOTHING`;
  }
}

/** The replicas beating now: an agent connected to one of them is online. */
export async function liveReplicaIds(prisma: PrismaClient): Promise<ReadonlySet<string>> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "ControlPlaneReplica" WHERE "heartbeatAt" > ${dbNow} - make_interval(secs => ${LIVENESS_WINDOW_MS / 1000})`;
  return new Set(rows.map((row) => row.id));
}
