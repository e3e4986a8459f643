// The blocked-attempts reads on a busy fleet: what the fleet page's trend (knocks.fleetTrend, one
// query for every server) and a tenant's views (tenantTop, tenantSeries, tenantPorts over 24 h
// and 30 days) cost, through the real tRPC procedures in-process. The rows are written straight
// with generate_series (the reads are measured, not the ingestion: knock-flood.bench.ts has that):
// every server with a full day of 5-minute buckets and 20 sources a bucket, each with 3 ports,
// and 30 days of hourly rollups of 10 sources. p50 / max over a few rounds; the geo database is a synthetic one.
//   npx tsx bench/knock-overview.bench.ts [servers] [rounds]
// Uses DATABASE_URL's PostgreSQL when set, else embedded PGlite.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { writeSyntheticGeoDatabase } from "../packages/geo/src/testing.ts";
import { createTestDatabase } from "../packages/testkit/src/database.ts";
import { loadEnv } from "../apps/control-plane/src/env.ts";
import { startControlPlane } from "../apps/control-plane/src/server.ts";
import { adminCaller } from "./fanout-control-plane.ts";

const ADMIN = { email: "bench@example.net", password: "bench password long enough" };
const TENANTS = 10;
const SOURCES_PER_BUCKET = 20;
const HOURLY_SOURCES = 10;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** A day of 5-minute rows and 30 days of hourly rows for every server, in SQL, in the order reports write them (a bucket's server's sources together). */
async function seedKnocks(prisma: Awaited<ReturnType<typeof createTestDatabase>>["prisma"], now: Date): Promise<number> {
  const day = new Date(now.getTime() - 24 * 3_600_000);
  const month = new Date(now.getTime() - 30 * 24 * 3_600_000);
  const ports = `'[{"protocol":"udp","port":5060,"packets":6},{"protocol":"tcp","port":22,"packets":3},{"protocol":"tcp","port":3389,"packets":1}]'::jsonb`;
  const rows = async (resolution: string, since: Date, step: string, sources: number) => {
    await prisma.$executeRawUnsafe(
      `INSERT INTO "KnockBucket" ("serverId", resolution, "bucketStart", sources, packets)
       SELECT s.id, $1, b, $4, 10 * $4 FROM "Server" s, generate_series($2::timestamp, $3::timestamp, $5::interval) AS b`,
      resolution, since.toISOString(), now.toISOString(), sources, step,
    );
    return prisma.$executeRawUnsafe(
      `INSERT INTO "KnockSource" ("serverId", resolution, "bucketStart", source, packets, "firstSeenAt", "lastSeenAt", ports, "portsTried")
       SELECT s.id, $1, b, '203.0.' || (i / 250) || '.' || (i % 250), 10, b, b, ${ports}, 3
       FROM "Server" s, generate_series($2::timestamp, $3::timestamp, $5::interval) AS b, generate_series(0, $4 - 1) AS i
       ORDER BY b, s.id, i`,
      resolution, since.toISOString(), now.toISOString(), sources, step,
    );
  };
  return (await rows("5m", day, "5 minutes", SOURCES_PER_BUCKET)) + (await rows("1h", month, "1 hour", HOURLY_SOURCES));
}

async function timed(rounds: number, call: () => Promise<unknown>): Promise<{ p50: string; max: string }> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return { p50: `${Math.round(median(times))} ms`, max: `${Math.round(Math.max(...times))} ms` };
}

export async function main(servers = 200, rounds = 5): Promise<void> {
  const db = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  const geoDir = await mkdtemp(path.join(tmpdir(), "knock-overview-bench-"));
  await writeSyntheticGeoDatabase(geoDir, { version: "bench@1", country: [{ from: "203.0.0.0", to: "203.0.255.255", country: "NL" }] });
  const env = loadEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password, GEO_DATABASE_DIR: geoDir });
  const plane = await startControlPlane(env, { prisma: db.prisma, webDistDir: null, print: () => undefined });
  try {
    const tenants = await Promise.all(Array.from({ length: TENANTS }, (_, i) => db.prisma.tenant.create({ data: { name: `Bench tenant ${i}` } })));
    await db.prisma.server.createMany({ data: Array.from({ length: servers }, (_, i) => ({ tenantId: tenants[i % TENANTS]!.id, name: `pbx-${i}` })) });
    const seeded = await seedKnocks(db.prisma, plane.app.now());
    const admin = await adminCaller(plane.app, ADMIN);
    const tenantId = tenants[0]!.id;
    const rows = [
      { read: `fleetTrend (${servers} servers)`, ...(await timed(rounds, () => admin.knocks.fleetTrend({}))) },
      { read: `tenantTop 24 h (${servers / TENANTS} servers)`, ...(await timed(rounds, () => admin.knocks.tenantTop({ tenantId, hours: 24 }))) },
      { read: "tenantSeries 24 h", ...(await timed(rounds, () => admin.knocks.tenantSeries({ tenantId, hours: 24 }))) },
      { read: "tenantPorts 24 h", ...(await timed(rounds, () => admin.knocks.tenantPorts({ tenantId, hours: 24 }))) },
      { read: "tenantTop 30 days", ...(await timed(rounds, () => admin.knocks.tenantTop({ tenantId, hours: 720 }))) },
      { read: "tenantSeries 30 days", ...(await timed(rounds, () => admin.knocks.tenantSeries({ tenantId, hours: 720 }))) },
    ];
    console.log(`database: ${db.kind}; ${servers} servers in ${TENANTS} tenants; ${seeded.toLocaleString("en-US")} source rows (24 h of 5-minute buckets x ${SOURCES_PER_BUCKET}, 30 days of hourly x ${HOURLY_SOURCES}); ${rounds} rounds`);
    console.table(rows);
  } finally {
    await plane.close();
    await db.drop();
    await rm(geoDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 5));
