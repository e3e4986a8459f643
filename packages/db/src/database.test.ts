// The control plane does every mutation in one interactive transaction, on PostgreSQL in
// production and on embedded PGlite for small installs: both must behave the same.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROVIDER_PRESETS } from "@gatehouse/core";
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from "@gatehouse/testkit/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, seedProviderPresets } from "./index.ts";
import { readMigrationList } from "./migrations.ts";

describe.each(testDatabaseKinds())("on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("an interactive transaction that throws leaves nothing behind", async () => {
    const attempt = db.prisma.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { name: "Half-made Ltd" } });
      await tx.server.create({ data: { tenantId: tenant.id, name: "pbx-1" } });
      throw new Error("validation failed after the writes");
    });
    await expect(attempt).rejects.toThrow("validation failed after the writes");
    expect(await db.prisma.tenant.count({ where: { name: "Half-made Ltd" } })).toBe(0);
    expect(await db.prisma.server.count({ where: { name: "pbx-1" } })).toBe(0);
  });

  it("an interactive transaction that completes commits all its writes", async () => {
    const server = await db.prisma.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { name: "Whole Ltd" } });
      return tx.server.create({ data: { tenantId: tenant.id, name: "pbx-1", tags: ["east"] } });
    });
    const stored = await db.prisma.server.findUniqueOrThrow({ where: { id: server.id }, include: { tenant: true } });
    expect(stored.tenant.name).toBe("Whole Ltd");
    expect(stored.tags).toEqual(["east"]);
    expect(stored.lanRanges).toEqual(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
  });

  it("concurrent transactions all commit", async () => {
    await Promise.all(
      ["a", "b", "c", "d"].map((suffix) =>
        db.prisma.$transaction(async (tx) => {
          await tx.tenant.create({ data: { name: `Parallel ${suffix}` } });
          await tx.auditEvent.create({ data: { actor: "system", action: "tenant.create" } });
        }),
      ),
    );
    expect(await db.prisma.tenant.count({ where: { name: { startsWith: "Parallel " } } })).toBe(4);
  });

  it("provider presets seed idempotently and are enabled for nobody", async () => {
    await seedProviderPresets(db.prisma);
    await seedProviderPresets(db.prisma);
    const presets = await db.prisma.providerPreset.findMany({ orderBy: { id: "asc" } });
    expect(presets.map((p) => p.id)).toEqual(PROVIDER_PRESETS.map((p) => p.id).sort());
    const vitelity = presets.find((p) => p.id === "vitelity");
    expect(vitelity?.hosts).toEqual(["outbound1.vitelity.net", "inbound1.vitelity.net"]);
    expect(presets.every((p) => p.builtIn && p.sourceUrl?.startsWith("https://") && (p.sourceNote ?? "") !== "")).toBe(true);
    expect(await db.prisma.presetEnablement.count()).toBe(0);
  });
});

describe("embedded PGlite in a data directory", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-pglite-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps its data across a restart of the control plane", async () => {
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe("pglite");
    await first.prisma.tenant.create({ data: { name: "Survives Restarts Ltd" } });
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      expect(await second.prisma.tenant.count({ where: { name: "Survives Restarts Ltd" } })).toBe(1);
      const committed = (await readMigrationList()).migrationDirectories.length;
      const recorded = await second.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM _prisma_migrations`;
      expect(recorded).toEqual([{ n: committed }]);
    } finally {
      await second.close();
    }
  });
});
