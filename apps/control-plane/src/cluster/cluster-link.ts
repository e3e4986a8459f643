// This replica's one dedicated PostgreSQL session (node-postgres, outside Prisma's pool, which
// cannot hold a LISTEN or a session lock). It carries:
// - LISTEN on the revision channel: the other replicas' committed changes reach this replica's
//   bus (its own notices are skipped: they were published locally at commit);
// - the leader lock, a session-level advisory lock: whoever holds it runs the once-only jobs
//   (expiry sweeper, reaping dead replicas). PostgreSQL releases it when the session ends, so a
//   killed leader is replaced at the next poll of a follower (2 s by default).
// When the session is lost (network, pg_terminate_backend, a PostgreSQL restart) leadership is
// given up at once, the link reconnects with jittered backoff, and the bus is told to recheck:
// notices sent while nobody listened are lost, so every connected agent is compared with the
// database again. A periodic recheck (60 s) covers anything that slips past both.
import pg from "pg";
import type { Tx } from "@gatehouse/db";
import type { RevisionAnnouncer, RevisionBus, RevisionChange } from "../bus.ts";
import type { Logger } from "../logger.ts";
import type { Leadership } from "./leadership.ts";
import { decodeRevisionNotice, encodeRevisionNotices, REVISION_CHANNEL } from "./revision-notices.ts";

/** pg_try_advisory_lock's key for "the leader"; the migration lock uses another. */
const LEADER_LOCK_KEY = "7306259440140371553";

export interface ClusterLinkOptions {
  databaseUrl: string;
  replicaId: string;
  bus: RevisionBus;
  logger: Logger;
  leaderPollMs?: number;
  recheckIntervalMs?: number;
}

const RECONNECT_BASE_MS = 250;
const RECONNECT_CAP_MS = 5_000;

export class ClusterLink implements RevisionAnnouncer, Leadership {
  private client: pg.Client | null = null;
  private leader = false;
  private closed = false;
  private failures = 0;
  private readonly leadershipListeners = new Set<(leader: boolean) => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ClusterLinkOptions) {}

  /** Connects (a failure here fails the start), then keeps the session alive until close(). */
  async start(): Promise<void> {
    await this.connect();
    this.every(this.options.leaderPollMs ?? 2_000, () => void this.tryToLead());
    this.every(this.options.recheckIntervalMs ?? 60_000, () => this.options.bus.recheck());
    await this.tryToLead();
  }

  async announce(tx: Tx, changes: readonly RevisionChange[]): Promise<void> {
    for (const payload of encodeRevisionNotices(this.options.replicaId, changes)) {
      await tx.$executeRaw`SELECT pg_notify(${REVISION_CHANNEL}, ${payload})`;
    }
  }

  get isLeader(): boolean {
    return this.leader;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.leadershipListeners.add(listener);
    listener(this.leader);
    return () => this.leadershipListeners.delete(listener);
  }

  /** Tests: what pg_terminate_backend needs to cut exactly this session. */
  async backendPid(): Promise<number | null> {
    const result = await this.client?.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return result?.rows[0]?.pid ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.setLeader(false);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: `gatehouse replica ${this.options.replicaId}` });
    client.on("notification", (message) => this.onNotification(message.channel, message.payload));
    client.on("error", (error) => this.options.logger.warn({ err: error }, "the cluster link to PostgreSQL failed"));
    client.on("end", () => this.onLost(client));
    await client.connect();
    await client.query(`LISTEN ${REVISION_CHANNEL}`);
    this.client = client;
    this.failures = 0;
  }

  private onNotification(channel: string, payload: string | undefined): void {
    if (channel !== REVISION_CHANNEL || payload === undefined) return;
    const notice = decodeRevisionNotice(payload);
    if (notice === null) return this.options.logger.warn({ bytes: payload.length }, "ignored a revision notice this replica cannot read");
    if (notice.from === this.options.replicaId) return;
    if (notice.kind === "recheck") this.options.bus.recheck();
    else this.options.bus.publish(notice.changes);
  }

  private onLost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.setLeader(false);
    if (this.closed) return;
    this.options.logger.warn("lost the LISTEN connection: reconnecting, then every connected agent is checked against the database");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const ceiling = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** this.failures);
    this.failures += 1;
    this.reconnectTimer = setTimeout(() => void this.reconnect(), RECONNECT_BASE_MS / 2 + Math.random() * ceiling);
    this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    this.reconnectTimer = null;
    if (this.closed) return;
    try {
      await this.connect();
    } catch (error) {
      this.options.logger.warn({ err: error }, "cannot reconnect the LISTEN connection yet");
      this.scheduleReconnect();
      return;
    }
    this.options.logger.info("LISTEN connection back: rechecking every connected agent");
    this.options.bus.recheck();
    await this.tryToLead();
  }

  private async tryToLead(): Promise<void> {
    const client = this.client;
    if (this.leader || client === null || this.closed) return;
    try {
      const result = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [LEADER_LOCK_KEY]);
      if (result.rows[0]?.locked === true && this.client === client) {
        this.options.logger.info({ replica: this.options.replicaId }, "this replica is the leader: it runs the expiry sweeper");
        this.setLeader(true);
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, "cannot ask for the leader lock");
    }
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    for (const listener of this.leadershipListeners) listener(leader);
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
