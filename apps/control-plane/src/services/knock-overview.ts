// Drop telemetry beyond one server's sources (services/knocks.ts): a tenant's sources and
// buckets summed over its servers, the ports tried on a server or a tenant, and the fleet's
// hourly trend per server for the last 24 h, each in one query. Ranges read the 5-minute rows
// up to 48 h and the hourly rollups beyond, as knocks.ts does.
import { Prisma, type PrismaClient } from "@gatehouse/db";
import type { GeoAnswer, GeoDatabase } from "@gatehouse/geo";
import { iso } from "./listing.ts";
import { FIVE_MINUTE_HOURS } from "./knocks.ts";

const HOUR_MS = 3_600_000;
const TOP_LIMIT = 50;
const PORTS_LIMIT = 20;
const TREND_HOURS = 24;

/** Whose knocks: one server's, or those of every server of a tenant. */
export type KnockScope = { serverId: string } | { tenantId: string };

export interface KnockWindow {
  hours: number;
  now: Date;
}

function windowOf({ hours, now }: KnockWindow): { resolution: string; since: Date } {
  return { resolution: hours <= FIVE_MINUTE_HOURS ? "5m" : "1h", since: new Date(now.getTime() - hours * HOUR_MS) };
}

/** The rows' server filter on `column` (a table's "serverId"). */
function serversOf(scope: KnockScope, column = Prisma.raw(`"serverId"`)): Prisma.Sql {
  if ("serverId" in scope) return Prisma.sql`${column} = ${scope.serverId}`;
  return Prisma.sql`${column} IN (SELECT id FROM "Server" WHERE "tenantId" = ${scope.tenantId})`;
}

interface PortRow {
  protocol: "tcp" | "udp";
  port: number;
  packets: bigint;
  sources: bigint;
}

/** The ports tried most in the window, by packets, each with how many sources tried it. */
export async function portsTried(prisma: PrismaClient, scope: KnockScope, window: KnockWindow) {
  const { resolution, since } = windowOf(window);
  // Grouped by (port, source) first, then by port: a hash aggregate each, where count(DISTINCT)
  // would sort every (row, port) of the range.
  const rows = await prisma.$queryRaw<PortRow[]>(Prisma.sql`
    WITH tried AS (
      SELECT p->>'protocol' AS protocol, (p->>'port')::int AS port, k.source, sum((p->>'packets')::bigint) AS packets
      FROM "KnockSource" k, jsonb_array_elements(k.ports) AS p
      WHERE ${serversOf(scope, Prisma.raw(`k."serverId"`))} AND k.resolution = ${resolution} AND k."bucketStart" >= ${since}
      GROUP BY 1, 2, 3
    )
    SELECT protocol, port, sum(packets)::bigint AS packets, count(*)::bigint AS sources
    FROM tried GROUP BY 1, 2 ORDER BY 3 DESC, 2, 1 LIMIT ${PORTS_LIMIT}`);
  return rows.map((row) => ({ protocol: row.protocol, port: row.port, packets: Number(row.packets), sources: Number(row.sources) }));
}

interface TenantTopRow {
  source: string;
  packets: bigint;
  servers: bigint;
  firstSeenAt: Date;
  lastSeenAt: Date;
  portsTried: number;
  ports: { protocol: "tcp" | "udp"; port: number; packets: number }[] | null;
}

/** The sources that knocked most on the tenant's servers together, busiest first, with their busiest ports. */
export async function tenantTopKnockers(prisma: PrismaClient, tenantId: string, window: KnockWindow) {
  const { resolution, since } = windowOf(window);
  // One pass over the rows for the top sources' ports (not one per source: a tenant's day can be
  // a hundred thousand rows), then each source's 16 busiest, joined (a subquery per source would
  // be planned as a pass per source); servers counted after grouping by (source, server), as in
  // portsTried. The rows are read twice rather than held (with their ports, more than work_mem).
  const rows = await prisma.$queryRaw<TenantTopRow[]>(Prisma.sql`
    WITH rows AS NOT MATERIALIZED (
      SELECT * FROM "KnockSource" WHERE ${serversOf({ tenantId })} AND resolution = ${resolution} AND "bucketStart" >= ${since}
    ), per_server AS (
      SELECT source, "serverId", sum(packets) AS packets, min("firstSeenAt") AS "firstSeenAt", max("lastSeenAt") AS "lastSeenAt", max("portsTried") AS "portsTried"
      FROM rows GROUP BY 1, 2
    ), top AS (
      SELECT source, sum(packets)::bigint AS packets, count(*)::bigint AS servers,
             min("firstSeenAt") AS "firstSeenAt", max("lastSeenAt") AS "lastSeenAt", max("portsTried") AS "portsTried"
      FROM per_server GROUP BY source ORDER BY 2 DESC, source LIMIT ${TOP_LIMIT}
    ), ports AS (
      SELECT r.source, p->>'protocol' AS protocol, (p->>'port')::int AS port, sum((p->>'packets')::bigint) AS packets
      FROM rows r JOIN top ON top.source = r.source, jsonb_array_elements(r.ports) AS p
      GROUP BY 1, 2, 3
    ), ranked AS (
      SELECT *, row_number() OVER (PARTITION BY source ORDER BY packets DESC, port) AS rank FROM ports
    ), listed AS (
      SELECT source, jsonb_agg(jsonb_build_object('protocol', protocol, 'port', port, 'packets', packets) ORDER BY packets DESC, port) AS ports
      FROM ranked WHERE rank <= 16 GROUP BY source
    )
    SELECT top.*, listed.ports FROM top LEFT JOIN listed ON listed.source = top.source
    ORDER BY top.packets DESC, top.source`);
  return rows.map((row) => {
    const ports = (row.ports ?? []).map((port) => ({ ...port, packets: Number(port.packets) }));
    return {
      source: row.source,
      packets: Number(row.packets),
      servers: Number(row.servers),
      firstSeenAt: iso(row.firstSeenAt),
      lastSeenAt: iso(row.lastSeenAt),
      ports,
      portsTried: Math.max(row.portsTried, ports.length),
    };
  });
}

const UNPLACED: GeoAnswer = { country: null, asn: null, asOrg: null };

/** Each source with its country and AS from `geo` (null where it does not know, or is not loaded). */
export function placeSources<T extends { source: string }>(sources: readonly T[], geo: GeoDatabase | null): Array<T & GeoAnswer> {
  return sources.map((source) => ({ ...source, ...(geo === null ? UNPLACED : geo.lookup(source.source)) }));
}

interface BucketRow {
  bucketStart: Date;
  sources: bigint;
  packets: bigint;
}

/** Dropped packets per bucket on the tenant's servers together, oldest first; empty buckets are absent. */
export async function tenantKnockSeries(prisma: PrismaClient, tenantId: string, window: KnockWindow) {
  const { resolution, since } = windowOf(window);
  const rows = await prisma.$queryRaw<BucketRow[]>(Prisma.sql`
    SELECT "bucketStart", sum(sources)::bigint AS sources, sum(packets)::bigint AS packets
    FROM "KnockBucket" WHERE ${serversOf({ tenantId })} AND resolution = ${resolution} AND "bucketStart" >= ${since}
    GROUP BY 1 ORDER BY 1`);
  // A bucket's sources are summed over the servers: one source knocking on two counts twice.
  return { resolution, buckets: rows.map((row) => ({ bucketStart: iso(row.bucketStart), sources: Number(row.sources), packets: Number(row.packets) })) };
}

interface TrendRow {
  serverId: string;
  hour: Date;
  packets: bigint;
}

function hourStart(at: Date): number {
  return Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
}

/**
 * Per server that dropped anything in the last 24 hours (of `tenantId`, or of every tenant): its
 * packets per clock hour, oldest first (hourly[23] is the hour now running), and their sum. One
 * query for the whole fleet, on the 5-minute rows.
 */
export async function fleetKnockTrend(prisma: PrismaClient, tenantId: string | null, now: Date) {
  const since = new Date(hourStart(now) - (TREND_HOURS - 1) * HOUR_MS);
  const tenantFilter = tenantId === null ? Prisma.empty : Prisma.sql`AND ${serversOf({ tenantId })}`;
  const rows = await prisma.$queryRaw<TrendRow[]>(Prisma.sql`
    SELECT "serverId", date_trunc('hour', "bucketStart") AS hour, sum(packets)::bigint AS packets
    FROM "KnockBucket" WHERE resolution = '5m' AND "bucketStart" >= ${since} ${tenantFilter}
    GROUP BY 1, 2`);
  const byServer = new Map<string, number[]>();
  for (const row of rows) {
    const slot = Math.round((row.hour.getTime() - since.getTime()) / HOUR_MS);
    if (slot < 0 || slot >= TREND_HOURS) continue;
    let hourly = byServer.get(row.serverId);
    if (hourly === undefined) byServer.set(row.serverId, (hourly = new Array<number>(TREND_HOURS).fill(0)));
    hourly[slot] = Number(row.packets);
  }
  const servers = [...byServer].map(([serverId, hourly]) => ({ serverId, packets: hourly.reduce((sum, n) => sum + n, 0), hourly }));
  servers.sort((a, b) => b.packets - a.packets || a.serverId.localeCompare(b.serverId));
  return { since: iso(since), hours: TREND_HOURS, servers };
}
