// Reading drop telemetry (hub/knock-store.ts writes it): the top sources over a time range and
// the dropped packets per bucket. Ranges up to 48 h read the 5-minute rows, longer ones the
// hourly rollups (knock-retention.ts).
import { Prisma, type PrismaClient } from "@gatehouse/db";
import type { GeoAnswer, GeoDatabase } from "@gatehouse/geo";

export const FIVE_MINUTE_HOURS = 48;
const TOP_LIMIT = 50;

interface KnockPortView {
  protocol: "tcp" | "udp";
  port: number;
  packets: number;
}

export interface KnockSourceView {
  source: string;
  packets: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  ports: KnockPortView[];
  /** Distinct ports tried, at least (an agent interval's count, or the ports listed). */
  portsTried: number;
}

/** A source with where the geo database places it (null where it does not know, or is not loaded). */
export type PlacedKnockSource = KnockSourceView & GeoAnswer;

const UNPLACED: GeoAnswer = { country: null, asn: null, asOrg: null };

/** Each source's country, AS number and AS organisation from `geo`. */
export function placeKnockers(sources: readonly KnockSourceView[], geo: GeoDatabase | null): PlacedKnockSource[] {
  return sources.map((source) => ({ ...source, ...(geo === null ? UNPLACED : geo.lookup(source.source)) }));
}

export interface KnockRange {
  serverId: string;
  hours: number;
  now: Date;
}

function rangeOf({ hours, now }: KnockRange): { resolution: string; since: Date } {
  return { resolution: hours <= FIVE_MINUTE_HOURS ? "5m" : "1h", since: new Date(now.getTime() - hours * 3_600_000) };
}

interface TopRow {
  source: string;
  packets: bigint;
  firstSeenAt: Date;
  lastSeenAt: Date;
  portsTried: number;
  ports: KnockPortView[] | null;
}

/** The sources that knocked most in the range, busiest first, each with its busiest ports. */
export async function topKnockers(prisma: PrismaClient, range: KnockRange): Promise<KnockSourceView[]> {
  const { resolution, since } = rangeOf(range);
  const rows = await prisma.$queryRaw<TopRow[]>(Prisma.sql`
    WITH rows AS (
      SELECT * FROM "KnockSource" WHERE "serverId" = ${range.serverId} AND resolution = ${resolution} AND "bucketStart" >= ${since}
    ), top AS (
      SELECT source, sum(packets)::bigint AS packets, min("firstSeenAt") AS "firstSeenAt", max("lastSeenAt") AS "lastSeenAt", max("portsTried") AS "portsTried"
      FROM rows GROUP BY source ORDER BY 2 DESC, source LIMIT ${TOP_LIMIT}
    )
    SELECT top.*, (
      SELECT jsonb_agg(jsonb_build_object('protocol', m.protocol, 'port', m.port, 'packets', m.packets) ORDER BY m.packets DESC, m.port)
      FROM (
        SELECT p->>'protocol' AS protocol, (p->>'port')::int AS port, sum((p->>'packets')::bigint) AS packets
        FROM rows, jsonb_array_elements(rows.ports) AS p WHERE rows.source = top.source
        GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 16
      ) AS m
    ) AS ports
    FROM top ORDER BY packets DESC, source`);
  return rows.map((row) => {
    const ports = (row.ports ?? []).map((port) => ({ ...port, packets: Number(port.packets) }));
    // Each row knows the ports of its agent intervals; across intervals the listed ones count too.
    return { ...row, packets: Number(row.packets), ports, portsTried: Math.max(row.portsTried, ports.length) };
  });
}

export interface KnockBucketView {
  bucketStart: Date;
  /** The most sources one agent interval in the bucket counted. */
  sources: number;
  packets: number;
}

/** Dropped packets per bucket (5 minutes, or hours beyond 48 h), oldest first; empty buckets are absent. */
export async function knockSeries(prisma: PrismaClient, range: KnockRange): Promise<{ resolution: string; buckets: KnockBucketView[] }> {
  const { resolution, since } = rangeOf(range);
  const rows = await prisma.knockBucket.findMany({
    where: { serverId: range.serverId, resolution, bucketStart: { gte: since } },
    orderBy: { bucketStart: "asc" },
    select: { bucketStart: true, sources: true, packets: true },
  });
  return { resolution, buckets: rows.map((row) => ({ ...row, packets: Number(row.packets) })) };
}
