// A fetch storm is answered with one batch load for thousands of servers, and every server in
// the batch still gets exactly its own state: the same as loading it alone, and the same as
// core's fold over everything stored (fleet, tenant, group and server entries, presets switched
// on for the tenant or for one server, custom services, expiry). The batch costs the same few
// SQL statements whatever its size.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customServiceDefinition, effectiveStateForServer, hashDesiredState, parseSource, type ScopedEntry } from "@gatehouse/core";
import type { PrismaClient } from "@gatehouse/db";
import { requireCapability } from "@gatehouse/testkit/capability";
import { createCountedPostgresDatabase, createTestDatabase, testDatabaseKinds, type CountedPostgresDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import { loadDesiredState, loadDesiredStates } from "../src/services/desired-state.ts";

const NOW = new Date("2026-06-01T12:00:00Z");
const HOUR = 3_600_000;
const GROUPS = ["nyc", "lax", "sfo"];
const SOURCES = [
  { source: "198.51.100.7", kind: "ip" },
  { source: "198.51.100.8", kind: "ip" },
  { source: "203.0.113.0/24", kind: "ip" },
  { source: "2001:db8::5", kind: "ip" },
  { source: "trunk.example.net", kind: "fqdn" },
];
/** Catalogue ids, "all", a fleet-wide custom service, tenant 0's own, and one that no longer exists. */
const SERVICE_IDS = ["sip", "rtp", "iax2", "all", "fax", "acme-prov", "deleted-svc"];
const PRESETS = [
  { id: "test-trunk-a", name: "Trunk A", hosts: ["sip.trunk-a.example.com", "192.0.2.50", "not a host!"], services: ["sip"] },
  { id: "test-trunk-b", name: "Trunk B", hosts: ["192.0.2.60", "198.51.100.7"], services: ["sip", "rtp"] },
];

interface FleetShape {
  servers: { tenant: number; tags: string[]; mediaOpenToAll: boolean; primary: string | null; lanRanges: string[]; revoked: boolean }[];
  entries: { scope: "FLEET" | "TENANT" | "GROUP" | "SERVER"; tenant: number; group: string; server: number; source: number; services: string[]; expiry: "none" | "past" | "future" }[];
  enablements: { preset: number; tenant: number; server: number | null }[];
}

const fleetShape: fc.Arbitrary<FleetShape> = fc.record({
  servers: fc.array(
    fc.record({
      tenant: fc.integer({ min: 0, max: 2 }),
      tags: fc.subarray(GROUPS),
      mediaOpenToAll: fc.boolean(),
      primary: fc.constantFrom(null, "203.0.113.10"),
      lanRanges: fc.constantFrom(["10.0.0.0/8", "192.168.0.0/16"], ["192.168.0.0/16", "10.0.0.0/8", "10.0.0.0/8"], []),
      revoked: fc.boolean(),
    }),
    { minLength: 1, maxLength: 12 },
  ),
  entries: fc.array(
    fc.record({
      scope: fc.constantFrom("FLEET", "TENANT", "GROUP", "SERVER"),
      tenant: fc.integer({ min: 0, max: 2 }),
      group: fc.constantFrom(...GROUPS),
      server: fc.nat(),
      source: fc.integer({ min: 0, max: SOURCES.length - 1 }),
      services: fc.subarray(SERVICE_IDS, { minLength: 1 }),
      expiry: fc.constantFrom("none", "past", "future"),
    }),
    { maxLength: 24 },
  ),
  enablements: fc.array(fc.record({ preset: fc.integer({ min: 0, max: 1 }), tenant: fc.integer({ min: 0, max: 2 }), server: fc.option(fc.nat(), { nil: null }) }), { maxLength: 6 }),
});

interface Seeded {
  tenantIds: string[];
  serverIds: string[];
}

async function seedTenantsAndCatalogue(prisma: PrismaClient): Promise<string[]> {
  const tenantIds = [];
  for (const name of ["Acme", "Bravo", "Charlie"]) tenantIds.push((await prisma.tenant.create({ data: { name } })).id);
  await prisma.providerPreset.createMany({ data: PRESETS });
  await prisma.customService.createMany({
    data: [
      { id: "fax", name: "Fax", protocol: "udp", portFrom: 7000, portTo: 7000, tenantId: null },
      { id: "acme-prov", name: "Provisioning", protocol: "tcp", portFrom: 8443, portTo: 8443, tenantId: tenantIds[0] },
      { id: "odd-proto", name: "Odd", protocol: "sctp", portFrom: 9000, portTo: 9000, tenantId: null },
    ],
  });
  return tenantIds;
}

/** Replaces the servers, entries and enablements with `shape`'s (tenants and catalogue stay). */
async function seedShape(prisma: PrismaClient, tenantIds: string[], shape: FleetShape): Promise<Seeded> {
  await prisma.allowEntry.deleteMany();
  await prisma.presetEnablement.deleteMany();
  await prisma.server.deleteMany();
  const tenantOf = (i: number) => tenantIds[i % tenantIds.length] as string;
  const servers = await prisma.server.createManyAndReturn({
    data: shape.servers.map((s, i) => ({
      tenantId: tenantOf(s.tenant),
      name: `pbx-${i}`,
      tags: s.tags,
      mediaOpenToAll: s.mediaOpenToAll,
      primaryAdminSource: s.primary,
      lanRanges: s.lanRanges,
      revokedAt: s.revoked ? NOW : null,
    })),
    select: { id: true, tenantId: true },
  });
  const serverAt = (i: number) => servers[i % servers.length] as { id: string; tenantId: string };
  await prisma.allowEntry.createMany({
    data: shape.entries.map((e) => {
      const { source, kind } = SOURCES[e.source] as (typeof SOURCES)[number];
      const expiresAt = e.expiry === "none" ? null : new Date(NOW.getTime() + (e.expiry === "past" ? -HOUR : HOUR));
      const server = serverAt(e.server);
      const scoped =
        e.scope === "FLEET"
          ? { tenantId: null, groupName: null, serverId: null }
          : e.scope === "TENANT"
            ? { tenantId: tenantOf(e.tenant), groupName: null, serverId: null }
            : e.scope === "GROUP"
              ? { tenantId: tenantOf(e.tenant), groupName: e.group, serverId: null }
              : { tenantId: server.tenantId, groupName: null, serverId: server.id };
      return { source, sourceKind: kind, services: e.services, scope: e.scope, expiresAt, ...scoped };
    }),
  });
  const enablements = new Map<string, { presetId: string; tenantId: string; serverId: string | null }>();
  for (const e of shape.enablements) {
    const presetId = (PRESETS[e.preset] as (typeof PRESETS)[number]).id;
    const row = e.server === null ? { presetId, tenantId: tenantOf(e.tenant), serverId: null } : { presetId, tenantId: serverAt(e.server).tenantId, serverId: serverAt(e.server).id };
    enablements.set(JSON.stringify(row), row);
  }
  await prisma.presetEnablement.createMany({ data: [...enablements.values()] });
  return { tenantIds, serverIds: servers.map((s) => s.id) };
}

/** Core's fold over EVERYTHING stored: no query narrows what it sees, the fold alone decides. */
async function foldOverEverything(prisma: PrismaClient, serverId: string, now: Date) {
  const server = await prisma.server.findUniqueOrThrow({ where: { id: serverId } });
  const stored = await prisma.allowEntry.findMany();
  const entries: ScopedEntry[] = stored.map((row) => ({ ...row, kind: row.sourceKind === "fqdn" ? "fqdn" : "ip" }));
  for (const enablement of await prisma.presetEnablement.findMany({ include: { preset: true } })) {
    if (enablement.tenantId !== server.tenantId || (enablement.serverId !== null && enablement.serverId !== server.id)) continue;
    for (const host of enablement.preset.hosts) {
      const parsed = (() => {
        try {
          return parseSource(host);
        } catch {
          return null;
        }
      })();
      if (parsed) entries.push({ source: parsed.canonical, kind: parsed.kind, services: enablement.preset.services, scope: "SERVER", tenantId: server.tenantId, groupName: null, serverId: server.id, expiresAt: null });
    }
  }
  const custom = (await prisma.customService.findMany({ orderBy: { id: "asc" } }))
    .filter((row) => (row.tenantId === null || row.tenantId === server.tenantId) && (row.protocol === "tcp" || row.protocol === "udp"))
    .map((row) => customServiceDefinition({ ...row, protocol: row.protocol as "tcp" | "udp" }));
  return effectiveStateForServer({ server, entries, customServices: custom, now });
}

describe.each(testDatabaseKinds())("batched desired-state loads on %s", (kind) => {
  let db: TestDatabase;
  let tenantIds: string[];

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    tenantIds = await seedTenantsAndCatalogue(db.prisma);
  });
  afterAll(async () => {
    await db.drop();
  });

  it("gives every server of a batch exactly the state it gets loaded alone, and core's fold over everything stored", async () => {
    await fc.assert(
      fc.asyncProperty(fleetShape, async (shape) => {
        const { serverIds } = await seedShape(db.prisma, tenantIds, shape);
        const batch = await loadDesiredStates(db.prisma, [...serverIds, "00000000-0000-0000-0000-000000000000", ...serverIds], NOW);
        expect([...batch.keys()].sort()).toEqual([...serverIds].sort());
        for (const serverId of serverIds) {
          const { shared: _batchFold, ...loaded } = batch.get(serverId)!;
          const { shared: _ownFold, ...alone } = (await loadDesiredState(db.prisma, serverId, NOW))!;
          expect(loaded).toEqual(alone);
          expect(loaded.state).toEqual(await foldOverEverything(db.prisma, serverId, NOW));
          expect(loaded.hash).toBe(hashDesiredState(loaded.state));
        }
      }),
      { numRuns: 25, seed: 1_301 },
    );
  });

  it("leaves out an entry from the moment it expires, for every server of the batch", async () => {
    const { serverIds } = await seedShape(db.prisma, tenantIds, {
      servers: [0, 1, 2].map((tenant) => ({ tenant, tags: ["nyc"], mediaOpenToAll: true, primary: null, lanRanges: [], revoked: false })),
      entries: [
        { scope: "FLEET", tenant: 0, group: "nyc", server: 0, source: 0, services: ["sip"], expiry: "future" },
        { scope: "GROUP", tenant: 1, group: "nyc", server: 0, source: 1, services: ["sip"], expiry: "none" },
      ],
      enablements: [],
    });
    const sources = async (now: Date) => {
      const batch = await loadDesiredStates(db.prisma, serverIds, now);
      return serverIds.map((id) => batch.get(id)?.state.entries.map((entry) => entry.source));
    };
    expect(await sources(NOW)).toEqual([["198.51.100.7"], ["198.51.100.7", "198.51.100.8"], ["198.51.100.7"]]);
    expect(await sources(new Date(NOW.getTime() + HOUR))).toEqual([[], ["198.51.100.8"], []]);
  });

  it("keeps each server's revision and revocation beside its state", async () => {
    const { serverIds } = await seedShape(db.prisma, tenantIds, {
      servers: [0, 0].map((tenant, i) => ({ tenant, tags: [], mediaOpenToAll: true, primary: null, lanRanges: [], revoked: i === 1 })),
      entries: [],
      enablements: [],
    });
    const [live, revoked] = serverIds as [string, string];
    await db.prisma.server.update({ where: { id: live }, data: { revision: 41 } });
    const batch = await loadDesiredStates(db.prisma, serverIds, NOW);
    expect(batch.get(live)).toMatchObject({ revision: 41, server: { id: live, revokedAt: null }, state: { serverId: live } });
    expect(batch.get(revoked)).toMatchObject({ revision: 1, server: { id: revoked, revokedAt: NOW }, state: { serverId: revoked } });
    expect(batch.get(live)?.hash).not.toBe(batch.get(revoked)?.hash);
  });
});

describe("the SQL a batch costs", () => {
  const run = requireCapability("batched loads' query count", { ok: Boolean(process.env.DATABASE_URL), reason: "needs PostgreSQL: set DATABASE_URL" });
  let database: CountedPostgresDatabase;

  beforeAll(async () => {
    if (run) database = await createCountedPostgresDatabase();
  });
  afterAll(async () => {
    if (run) await database.drop();
  });

  it.runIf(run)("is the same few statements for 1, 30 or 600 servers of several tenants", async () => {
    const { db, counted, statements } = database;
    const tenantIds = await seedTenantsAndCatalogue(db.prisma);
    const { serverIds } = await seedShape(db.prisma, tenantIds, {
      servers: Array.from({ length: 600 }, (_, i) => ({ tenant: i % 3, tags: GROUPS.slice(0, i % 4), mediaOpenToAll: i % 2 === 0, primary: null, lanRanges: [], revoked: i % 50 === 0 })),
      entries: Array.from({ length: 60 }, (_, i) => ({
        scope: (["FLEET", "TENANT", "GROUP", "SERVER"] as const)[i % 4]!,
        tenant: i % 3,
        group: GROUPS[i % 3]!,
        server: i * 7,
        source: i % SOURCES.length,
        services: ["sip", "fax"],
        expiry: i % 5 === 0 ? "past" : "none",
      })),
      enablements: [
        { preset: 0, tenant: 0, server: null },
        { preset: 1, tenant: 1, server: 4 },
      ],
    });
    await loadDesiredStates(counted, serverIds.slice(0, 1), NOW); // the pool's first connection
    const counts: number[] = [];
    for (const size of [1, 30, 600]) {
      statements.length = 0;
      const batch = await loadDesiredStates(counted, serverIds.slice(0, size), NOW);
      expect(batch.size).toBe(size);
      counts.push(statements.length);
      // 3 tenants x 4 tag sets x 2 media settings, and the 15 servers with entries of their own
      if (size === 600) expect(new Set([...batch.values()].map((loaded) => loaded.shared)).size).toBeLessThanOrEqual(24 + 15 + 1);
    }
    expect(counts[0]).toBeLessThanOrEqual(5);
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
  });
});
