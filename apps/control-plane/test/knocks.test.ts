// Drop telemetry through the control plane: an agent's report of who knocked lands in the
// knock tables (bounded per server and bucket), operators read it through knocks.top (each
// source placed in its country and AS by the plane's geo database, a synthetic one here given
// through GEO_DATABASE_DIR) and knocks.series within their tenant only, and the leader's
// retention job rolls it up and prunes it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sha256Hex } from "@gatehouse/core";
import { writeSyntheticGeoDatabase } from "@gatehouse/geo/testing";
import type { KnockIntervalMessage } from "@gatehouse/protocol";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { KNOCK_SOURCES_PER_BUCKET } from "../src/hub/knock-store.ts";
import { keepKnockBudget } from "../src/services/knock-retention.ts";
import { agentHubExtension } from "../src/hub/agent-hub-extension.ts";
import { errorOf, seedFleet, startUnderTest, TestAgentClient, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

function interval(top: KnockIntervalMessage["top"], sources = top.length): KnockIntervalMessage {
  return { from: "2026-12-01T12:00:00.000Z", to: "2026-12-01T12:05:00.000Z", sources, packets: top.reduce((sum, s) => sum + s.packets, 0), top };
}

function knocker(source: string, ports: Array<[("tcp" | "udp"), number, number]>) {
  return {
    source,
    packets: ports.reduce((sum, [, , packets]) => sum + packets, 0),
    firstSeenAt: "2026-12-01T12:01:00.000Z",
    lastSeenAt: "2026-12-01T12:04:00.000Z",
    ports: ports.map(([protocol, port, packets]) => ({ protocol, port, packets })),
    portsTried: ports.length,
  };
}

describe("drop telemetry in the control plane", () => {
  let geoDir: string;
  let hub: { test: PlaneUnderTest; url: string };
  let fleet: Fleet;
  let agent: TestAgentClient;
  let state: { revision: number; hash: string };

  const send = async (knocks: KnockIntervalMessage[]) => {
    agent.reportApplied(state, { knocks });
    await agent.next("ack");
  };

  beforeAll(async () => {
    geoDir = await mkdtemp(path.join(tmpdir(), "knocks-geo-"));
    await writeSyntheticGeoDatabase(geoDir, {
      version: "synthetic-knocks@1",
      country: [
        { from: "198.51.100.0", to: "198.51.100.255", country: "CA" },
        { from: "2001:db8::", to: "2001:db8::ffff", country: "DE" },
      ],
      asn: [{ from: "198.51.100.0", to: "198.51.100.127", asn: 64500, org: "Maple Telecom, Inc." }],
    });
    const test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", { extensions: [agentHubExtension()], env: { GEO_DATABASE_DIR: geoDir } });
    hub = { test, url: test.plane.url };
    fleet = await seedFleet(hub.test.admin);
    const token = randomBytes(32).toString("base64url");
    await hub.test.db.prisma.server.update({ where: { id: fleet.serverA1 }, data: { agentCredentialHash: sha256Hex(token) } });
    agent = await TestAgentClient.connect(hub.url, token);
    state = await agent.next("state");
  });
  afterAll(async () => {
    agent.close();
    await hub.test.stop();
    await rm(geoDir, { recursive: true, force: true });
  });

  it("adds up what the reports say per source, with the ports tried, busiest first", async () => {
    await send([interval([knocker("198.51.100.7", [["udp", 5060, 40], ["tcp", 22, 3]]), knocker("203.0.113.9", [["tcp", 3389, 5]]), knocker("2001:db8::9", [["udp", 5060, 2]])])]);
    await send([interval([knocker("198.51.100.7", [["udp", 5060, 10], ["udp", 5061, 1]])])]);
    // Acks answer reports in order, but one may answer the hello: wait for both to be stored.
    const top = () => hub.test.admin.knocks.top.query({ serverId: fleet.serverA1 });
    await vi.waitFor(async () => expect((await top()).sources[0]?.packets).toBe(54), 10_000);
    const { sources } = await top();
    expect(sources.map((s) => [s.source, s.packets])).toEqual([
      ["198.51.100.7", 54],
      ["203.0.113.9", 5],
      ["2001:db8::9", 2],
    ]);
    // Where the database places each source; what it does not know is null, never a guess.
    expect(sources.map(({ source, country, asn, asOrg }) => ({ source, country, asn, asOrg }))).toEqual([
      { source: "198.51.100.7", country: "CA", asn: 64500, asOrg: "Maple Telecom, Inc." },
      { source: "203.0.113.9", country: null, asn: null, asOrg: null },
      { source: "2001:db8::9", country: "DE", asn: null, asOrg: null },
    ]);
    expect(sources[0]!.ports).toEqual([
      { protocol: "udp", port: 5060, packets: 50 },
      { protocol: "tcp", port: 22, packets: 3 },
      { protocol: "udp", port: 5061, packets: 1 },
    ]);
    expect([sources[0]!.firstSeenAt, sources[0]!.lastSeenAt].map((at) => new Date(at).toISOString())).toEqual(["2026-12-01T12:01:00.000Z", "2026-12-01T12:04:00.000Z"]);
    const series = await hub.test.admin.knocks.series.query({ serverId: fleet.serverA1 });
    expect(series.resolution).toBe("5m");
    expect(series.buckets.reduce((sum, b) => sum + b.packets, 0)).toBe(61);
    // The last report keeps its state; the telemetry lives in its own tables, not in it.
    const stored = await hub.test.db.prisma.server.findUniqueOrThrow({ where: { id: fleet.serverA1 } });
    expect(JSON.stringify(stored.lastReport)).not.toContain("knocks");
  });

  it("a hostile agent's flood of sources stays within the bucket's bound", async () => {
    for (let batch = 0; batch < 3; batch++) {
      const knocks = Array.from({ length: 6 }, (_, i) => interval(Array.from({ length: 50 }, (_, j) => knocker(`10.${batch}.${i}.${j}`, [["tcp", 23, 1]]))));
      await send(knocks);
    }
    const bucketed = () => hub.test.db.prisma.knockSource.groupBy({ by: ["bucketStart"], where: { serverId: fleet.serverA1, resolution: "5m" }, _count: true });
    // 900 new sources were sent; the bucket (or the two, at a 5-minute boundary) took what fits.
    await vi.waitFor(async () => expect((await bucketed()).reduce((sum, bucket) => sum + bucket._count, 0)).toBeGreaterThanOrEqual(KNOCK_SOURCES_PER_BUCKET), 10_000);
    for (const bucket of await bucketed()) expect(bucket._count).toBeLessThanOrEqual(KNOCK_SOURCES_PER_BUCKET);
    expect((await hub.test.admin.knocks.top.query({ serverId: fleet.serverA1 })).sources).toHaveLength(50);
  });

  it("a tenant admin reads their own servers' knocks and nothing of another tenant's", async () => {
    await hub.test.admin.operators.create.mutate({ email: "knock-bravo@example.net", name: "Bravo admin", password: "a long enough password", role: "TENANT_ADMIN", tenantId: fleet.tenantB.id });
    const bravo = await hub.test.signIn("knock-bravo@example.net", "a long enough password");
    expect((await errorOf(bravo.knocks.top.query({ serverId: fleet.serverA1 }))).code).toBe("NOT_FOUND");
    expect((await errorOf(bravo.knocks.series.query({ serverId: fleet.serverA1 }))).code).toBe("NOT_FOUND");
    expect((await bravo.knocks.top.query({ serverId: fleet.serverB1 })).sources).toEqual([]);
    expect((await errorOf(bravo.knocks.top.query({ serverId: fleet.serverB1, tenantId: fleet.tenantA.id } as never))).code).toBe("BAD_REQUEST");
    expect((await errorOf(bravo.knocks.top.query({ serverId: fleet.serverB1, hours: 100_000 }))).code).toBe("BAD_REQUEST");
  });

  it("any operator reads which geo database the plane uses, with the attribution its licence asks for", async () => {
    await hub.test.admin.operators.create.mutate({ email: "geo-viewer@example.net", name: "Geo viewer", password: "a long enough password", role: "VIEWER", tenantId: fleet.tenantB.id });
    const viewer = await hub.test.signIn("geo-viewer@example.net", "a long enough password");
    const status = await viewer.geo.status.query();
    expect(status).toMatchObject({ version: "synthetic-knocks@1", countries: 2 });
    expect(status.attribution).toContain("https://db-ip.com");
    expect(await hub.test.admin.geo.status.query()).toEqual(status);
  });

  it("the retention job rolls the 5-minute rows into hours and prunes both in time", async () => {
    const { prisma } = hub.test.db;
    const now = hub.test.clock.now();
    await keepKnockBudget(prisma, now);
    const hourly = await hub.test.admin.knocks.top.query({ serverId: fleet.serverA1, hours: 72 });
    expect(hourly.sources[0]).toMatchObject({ source: "198.51.100.7", packets: 54 });
    expect(hourly.sources).toHaveLength(50);
    expect((await hub.test.admin.knocks.series.query({ serverId: fleet.serverA1, hours: 72 })).resolution).toBe("1h");
    await keepKnockBudget(prisma, now);
    expect((await hub.test.admin.knocks.top.query({ serverId: fleet.serverA1, hours: 72 })).sources[0]!.packets).toBe(54);

    await keepKnockBudget(prisma, new Date(now.getTime() + 49 * 3_600_000));
    expect(await prisma.knockSource.count({ where: { serverId: fleet.serverA1, resolution: "5m" } })).toBe(0);
    expect(await prisma.knockSource.count({ where: { serverId: fleet.serverA1, resolution: "1h" } })).toBe(50);
    await keepKnockBudget(prisma, new Date(now.getTime() + 31 * 24 * 3_600_000));
    await vi.waitFor(async () => expect(await prisma.knockBucket.count({ where: { serverId: fleet.serverA1 } })).toBe(0));
  });
});
