// Bulk import: how long an operator waits for the preview of N pasted lines and for the import
// that writes them (ONE transaction: N entries, N audit events, one revision bump per server),
// into a tenant of 200 servers, through the real tRPC procedures in-process. p50 / max over a
// few rounds; each round imports fresh sources.
//   npx tsx bench/entry-import.bench.ts [rounds]
// Uses DATABASE_URL's PostgreSQL when set, else embedded PGlite.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createTestDatabase } from "../packages/testkit/src/database.ts";
import { loadEnv } from "../apps/control-plane/src/env.ts";
import { startControlPlane } from "../apps/control-plane/src/server.ts";
import { adminCaller } from "./fanout-control-plane.ts";

const ADMIN = { email: "bench@example.net", password: "bench password long enough" };
const SERVERS = 200;
const SIZES = [100, 1000, 5000];

interface Row {
  lines: number;
  previewP50Ms: number;
  importP50Ms: number;
  importMaxMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** `count` distinct IPv6 documentation addresses, one import line each; `round` keeps rounds apart. */
function lines(count: number, round: number): string {
  return Array.from({ length: count }, (_, i) => `2001:db8:${round.toString(16)}:${Math.floor(i / 65536).toString(16)}::${(i % 65536).toString(16)}, sip rtp, bench line ${i}, 7d`).join("\n");
}

export async function main(rounds = 3): Promise<void> {
  const db = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  const env = loadEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password });
  const plane = await startControlPlane(env, { prisma: db.prisma, webDistDir: null, print: () => undefined });
  try {
    const tenant = await db.prisma.tenant.create({ data: { name: "Bench tenant" } });
    await db.prisma.server.createMany({ data: Array.from({ length: SERVERS }, (_, i) => ({ tenantId: tenant.id, name: `pbx-${i}` })) });
    const admin = await adminCaller(plane.app, ADMIN);
    const scope = { kind: "TENANT" as const, tenantId: tenant.id };
    const rows: Row[] = [];
    let round = 0;
    for (const size of SIZES) {
      const preview: number[] = [];
      const write: number[] = [];
      for (let r = 0; r < rounds; r += 1) {
        round += 1;
        const text = lines(size, round);
        let started = performance.now();
        await admin.entries.importPreview({ text, scope });
        preview.push(performance.now() - started);
        started = performance.now();
        await admin.entries.import({ text, scope });
        write.push(performance.now() - started);
      }
      rows.push({ lines: size, previewP50Ms: Math.round(median(preview)), importP50Ms: Math.round(median(write)), importMaxMs: Math.round(Math.max(...write)) });
    }
    console.log(`database: ${db.kind}, tenant of ${SERVERS} servers, ${rounds} rounds per size`);
    console.table(rows);
  } finally {
    await plane.close();
    await db.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main(Number(process.argv[2] ?? 3));
