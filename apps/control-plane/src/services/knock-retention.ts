// Keeps drop telemetry within its budget: every run rolls the last hours' 5-minute rows up into
// hourly rows (top 50 sources per server and hour, recomputed whole, so a run twice is harmless),
// then deletes 5-minute rows older than 48 h and hourly rows older than 30 days. Leader only
// (cluster/start-cluster.ts whileLeader), like the expiry sweeper.
import { Prisma, type PrismaClient } from "@gatehouse/db";
import type { Logger } from "../logger.ts";
import { FIVE_MINUTE_HOURS } from "./knocks.ts";

const HOUR_MS = 3_600_000;
const HOURLY_KEEP_DAYS = 30;
/** Hours recomputed by each run: the current one and the two before (a late report, a missed run). */
const ROLLUP_HOURS = 3;

function hourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** One run: roll up, then prune. */
export async function keepKnockBudget(prisma: PrismaClient, now: Date): Promise<void> {
  const from = new Date(hourStart(now).getTime() - (ROLLUP_HOURS - 1) * HOUR_MS);
  await prisma.$transaction([
    prisma.$executeRaw`DELETE FROM "KnockBucket" WHERE resolution = '1h' AND "bucketStart" >= ${from}`,
    prisma.$executeRaw`DELETE FROM "KnockSource" WHERE resolution = '1h' AND "bucketStart" >= ${from}`,
    prisma.$executeRaw`
      INSERT INTO "KnockBucket" ("serverId", "resolution", "bucketStart", "sources", "packets")
      SELECT "serverId", '1h', date_trunc('hour', "bucketStart"), max(sources), sum(packets)
      FROM "KnockBucket" WHERE resolution = '5m' AND "bucketStart" >= ${from}
      GROUP BY 1, 3`,
    prisma.$executeRaw(Prisma.sql`
      WITH rows AS (
        SELECT *, date_trunc('hour', "bucketStart") AS hour FROM "KnockSource" WHERE resolution = '5m' AND "bucketStart" >= ${from}
      ), sums AS (
        SELECT "serverId", hour, source, sum(packets) AS packets, min("firstSeenAt") AS "firstSeenAt", max("lastSeenAt") AS "lastSeenAt", max("portsTried") AS "portsTried",
               row_number() OVER (PARTITION BY "serverId", hour ORDER BY sum(packets) DESC, source) AS rank
        FROM rows GROUP BY 1, 2, 3
      )
      INSERT INTO "KnockSource" ("serverId", "resolution", "bucketStart", "source", "packets", "firstSeenAt", "lastSeenAt", "ports", "portsTried")
      SELECT s."serverId", '1h', s.hour, s.source, s.packets, s."firstSeenAt", s."lastSeenAt", COALESCE((
        SELECT jsonb_agg(jsonb_build_object('protocol', m.protocol, 'port', m.port, 'packets', m.packets) ORDER BY m.packets DESC, m.port)
        FROM (
          SELECT p->>'protocol' AS protocol, (p->>'port')::int AS port, sum((p->>'packets')::bigint) AS packets
          FROM rows r, jsonb_array_elements(r.ports) AS p
          WHERE r."serverId" = s."serverId" AND r.hour = s.hour AND r.source = s.source
          GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 16
        ) AS m), '[]'::jsonb), s."portsTried"
      FROM sums s WHERE s.rank <= 50`),
    prisma.$executeRaw`DELETE FROM "KnockBucket" WHERE resolution = '5m' AND "bucketStart" < ${new Date(now.getTime() - FIVE_MINUTE_HOURS * HOUR_MS)}`,
    prisma.$executeRaw`DELETE FROM "KnockSource" WHERE resolution = '5m' AND "bucketStart" < ${new Date(now.getTime() - FIVE_MINUTE_HOURS * HOUR_MS)}`,
    prisma.$executeRaw`DELETE FROM "KnockBucket" WHERE resolution = '1h' AND "bucketStart" < ${new Date(now.getTime() - HOURLY_KEEP_DAYS * 24 * HOUR_MS)}`,
    prisma.$executeRaw`DELETE FROM "KnockSource" WHERE resolution = '1h' AND "bucketStart" < ${new Date(now.getTime() - HOURLY_KEEP_DAYS * 24 * HOUR_MS)}`,
  ]);
}

/** The leader job: a run at start and every intervalMs. */
export class KnockRetention {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: { prisma: PrismaClient; logger: Logger; now: () => Date; intervalMs: number }) {}

  start(): void {
    if (this.timer) return;
    const run = () => void keepKnockBudget(this.options.prisma, this.options.now()).catch((error: unknown) => this.options.logger.warn({ err: error }, "cannot roll up or prune drop telemetry"));
    run();
    this.timer = setInterval(run, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
