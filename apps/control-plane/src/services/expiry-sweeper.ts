// Closes expired allow entries without anyone acting: entries whose expiresAt has passed are
// deleted in batches, each batch ONE runMutation (an "entry.expired" audit event per entry, the
// covered servers' revisions bumped, published after commit), so agents drop them. An expired
// entry is already absent from every desired state computed after its expiry; the sweep is what
// makes the revision move so connected agents fetch that state.
//
// It wakes at the next expiry (and at least every intervalMs), and re-plans after every
// published change, since a change may have added an earlier expiry. With several replicas it
// runs only on the leader (cluster/start-cluster.ts: started on election, stopped on loss);
// should two ever sweep at once, DELETE ... RETURNING with SKIP LOCKED still closes each entry
// exactly once.
//
// Each sweep also deletes AuthFailure rows that no lockout counts any more (older than the
// longest window declared with keepAuthFailuresFor: sign-in, traveler PINs) and the known
// sign-in sources past their expiry.
import { entryScopeOf, type StoredScope } from "@gatehouse/core";
import { Prisma, type PrismaClient, type Tx } from "@gatehouse/db";
import type { RevisionBus } from "../bus.ts";
import type { Logger } from "../logger.ts";
import { runMutation } from "./mutation.ts";

export interface SweptEntry extends StoredScope {
  id: string;
  source: string;
  sourceKind: string;
  services: string[];
  origin: "OPERATOR" | "PROVIDER" | "TRAVELER";
  comment: string;
  expiresAt: Date;
  travelerGrantId: string | null;
}

/** The extension point for traveler grants (bookkeeping, mail). */
export interface ExpirySweeperHooks {
  /** In the sweep's transaction, after the entries are deleted: a throw undoes the whole batch. */
  duringSweep?(tx: Tx, entries: readonly SweptEntry[], now: Date): Promise<void>;
  /** After the commit; a failure is logged and changes nothing. */
  afterSweep?(entries: readonly SweptEntry[]): Promise<void> | void;
}

export interface ExpirySweeperOptions {
  prisma: PrismaClient;
  bus: RevisionBus;
  logger: Logger;
  now: () => Date;
  intervalMs: number;
  batchSize?: number;
}

/** setTimeout's longest delay is 2^31-1 ms; we never wait longer than the interval anyway. */
const SLACK_MS = 25;

export class ExpirySweeper {
  private readonly hooks = new Set<ExpirySweeperHooks>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> = Promise.resolve(0);
  private replanQueued = false;
  private closed = false;
  private active = false;
  private unsubscribe: (() => void)[] = [];
  private authFailureWindowMs = 0;

  constructor(private readonly options: ExpirySweeperOptions) {}

  /** Sweeps now, then keeps sweeping on schedule until stop() or close(). */
  start(): void {
    if (this.active || this.closed) return;
    this.active = true;
    this.unsubscribe = [this.options.bus.subscribe(() => this.queueReplan()), this.options.bus.onRecheck(() => this.queueReplan())];
    void this.sweepNow().catch(() => undefined);
  }

  /** No more scheduled sweeps (leadership lost); a sweep already running finishes. */
  stop(): void {
    this.active = false;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Returns a function that removes the hooks again. */
  addHooks(hooks: ExpirySweeperHooks): () => void {
    this.hooks.add(hooks);
    return () => {
      this.hooks.delete(hooks);
    };
  }

  /** A lockout counts AuthFailure rows younger than `windowMs`: the sweep keeps those. */
  keepAuthFailuresFor(windowMs: number): void {
    this.authFailureWindowMs = Math.max(this.authFailureWindowMs, windowMs);
  }

  /** Sweeps everything expired by now (one batch after another); resolves with how many. */
  sweepNow(): Promise<number> {
    const run = this.running.catch(() => 0).then(async () => {
      let total = 0;
      try {
        for (;;) {
          const swept = await this.sweepBatch();
          total += swept;
          if (swept < (this.options.batchSize ?? 500)) break;
        }
        await this.pruneAuthFailures();
      } catch (error) {
        this.options.logger.error({ err: error }, "expiry sweep failed; retrying at the next interval");
        throw error;
      } finally {
        await this.plan();
      }
      return total;
    });
    this.running = run;
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    await this.running.catch(() => undefined);
  }

  private async sweepBatch(): Promise<number> {
    const { prisma, bus } = this.options;
    const now = this.options.now();
    const limit = this.options.batchSize ?? 500;
    let swept: SweptEntry[] = [];
    await runMutation({ prisma, bus, actor: "system", now: this.options.now }, "entry.expired", async (tx) => {
      // DELETE ... RETURNING: exactly the rows removed, even if an operator changed an expiry
      // meanwhile; SKIP LOCKED lets replicas sweep side by side.
      swept = await tx.$queryRaw<SweptEntry[]>(Prisma.sql`
        DELETE FROM "AllowEntry" WHERE "id" IN (
          SELECT "id" FROM "AllowEntry" WHERE "expiresAt" <= ${now} ORDER BY "expiresAt", "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING "id", "source", "sourceKind", "services", "scope"::text AS "scope", "tenantId", "groupName", "serverId",
          "origin"::text AS "origin", "comment", "expiresAt", "travelerGrantId"`);
      for (const hooks of this.hooks) await hooks.duringSweep?.(tx, swept, now);
      return {
        result: null,
        audit: swept.map((entry) => ({ tenantId: entry.tenantId, targetType: "allowEntry", targetId: entry.id, before: { ...entry, id: undefined } })),
        affected: swept.map(entryScopeOf),
      };
    });
    if (swept.length > 0) {
      this.options.logger.info({ count: swept.length }, "expired allow entries closed");
      for (const hooks of this.hooks) {
        try {
          await hooks.afterSweep?.(swept);
        } catch (error) {
          this.options.logger.error({ err: error }, "an expiry hook failed after the sweep");
        }
      }
    }
    return swept.length;
  }

  /**
   * Deletes failures older than every lockout window (none are kept when no window is declared),
   * and the known sign-in sources nobody signed in from for their whole lifetime.
   */
  private async pruneAuthFailures(): Promise<void> {
    const { prisma, logger } = this.options;
    const now = this.options.now();
    const forgotten = await prisma.knownSignInSource.deleteMany({ where: { expiresAt: { lte: now } } });
    if (forgotten.count > 0) logger.debug({ count: forgotten.count }, "expired known sign-in sources forgotten");
    if (this.authFailureWindowMs === 0) return;
    const before = new Date(now.getTime() - this.authFailureWindowMs);
    const { count } = await prisma.authFailure.deleteMany({ where: { createdAt: { lt: before } } });
    if (count > 0) logger.debug({ count }, "old authentication failures deleted");
  }

  /** Wakes at the next expiry, or after the interval, whichever comes first. */
  private async plan(): Promise<void> {
    if (!this.active) return;
    const now = this.options.now();
    const next = await this.options.prisma.allowEntry.findFirst({ where: { expiresAt: { gt: now } }, orderBy: { expiresAt: "asc" }, select: { expiresAt: true } });
    const untilNext = next?.expiresAt ? next.expiresAt.getTime() - now.getTime() + SLACK_MS : Infinity;
    const delay = Math.max(0, Math.min(untilNext, this.options.intervalMs));
    if (this.timer) clearTimeout(this.timer);
    if (!this.active) return;
    this.timer = setTimeout(() => void this.sweepNow().catch(() => undefined), delay);
    this.timer.unref();
  }

  /** Coalesces a burst of published changes (10,000 servers) into one re-plan. */
  private queueReplan(): void {
    if (this.replanQueued || !this.active) return;
    this.replanQueued = true;
    setImmediate(() => {
      this.replanQueued = false;
      void this.running.catch(() => undefined).then(() => this.plan()).catch((error: unknown) => this.options.logger.error({ err: error }, "could not plan the next expiry sweep"));
    });
  }
}
