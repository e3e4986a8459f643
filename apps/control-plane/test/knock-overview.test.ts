// Drop telemetry beyond one server: three agents (two servers of Acme, one of Bravo) report over
// the hub's WebSocket who knocked; knocks.tenantTop / tenantSeries / tenantPorts sum Acme's two
// servers and never Bravo's, knocks.ports names the ports tried on one server, and
// knocks.fleetTrend gives each readable server its last 24 hours, Acme's admin seeing Acme's only.
// The tenant's sources are placed by a synthetic geo database given through GEO_DATABASE_DIR.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sha256Hex } from "@gatehouse/core";
import { writeSyntheticGeoDatabase } from "@gatehouse/geo/testing";
import type { KnockIntervalMessage } from "@gatehouse/protocol";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { agentHubExtension } from "../src/hub/agent-hub-extension.ts";
import { errorOf, seedFleet, startUnderTest, TestAgentClient, type Api, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

type Knock = KnockIntervalMessage["top"][number];

function knocker(source: string, ports: Array<["tcp" | "udp", number, number]>): Knock {
  return {
    source,
    packets: ports.reduce((sum, [, , packets]) => sum + packets, 0),
    firstSeenAt: "2026-12-01T12:01:00.000Z",
    lastSeenAt: "2026-12-01T12:04:00.000Z",
    ports: ports.map(([protocol, port, packets]) => ({ protocol, port, packets })),
    portsTried: ports.length,
  };
}

function interval(top: Knock[]): KnockIntervalMessage {
  return { from: "2026-12-01T12:00:00.000Z", to: "2026-12-01T12:05:00.000Z", sources: top.length, packets: top.reduce((sum, s) => sum + s.packets, 0), top };
}

describe("drop telemetry per tenant and across the fleet", () => {
  let geoDir: string;
  let hub: { test: PlaneUnderTest; url: string };
  let fleet: Fleet;
  let acmeAdmin: Api;
  const agents: TestAgentClient[] = [];

  async function report(serverId: string, top: Knock[]): Promise<void> {
    const credential = randomBytes(32).toString("base64url");
    await hub.test.db.prisma.server.update({ where: { id: serverId }, data: { agentCredentialHash: sha256Hex(credential) } });
    const agent = await TestAgentClient.connect(hub.url, credential);
    agents.push(agent);
    const state = await agent.next("state");
    agent.reportApplied(state, { knocks: [interval(top)] });
    await agent.next("ack");
  }

  beforeAll(async () => {
    geoDir = await mkdtemp(path.join(tmpdir(), "knock-overview-geo-"));
    await writeSyntheticGeoDatabase(geoDir, {
      version: "synthetic-knock-overview@1",
      country: [{ from: "198.51.100.0", to: "198.51.100.255", country: "CA" }],
      asn: [{ from: "198.51.100.0", to: "198.51.100.127", asn: 64500, org: "Maple Telecom, Inc." }],
    });
    const test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", { extensions: [agentHubExtension()], env: { GEO_DATABASE_DIR: geoDir } });
    hub = { test, url: test.plane.url };
    fleet = await seedFleet(hub.test.admin);
    await hub.test.admin.operators.create.mutate({ email: "knocks-acme@example.net", name: "Acme admin", password: "a long enough password", role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    acmeAdmin = await hub.test.signIn("knocks-acme@example.net", "a long enough password");
    await report(fleet.serverA1, [knocker("198.51.100.7", [["udp", 5060, 40], ["tcp", 22, 2]]), knocker("203.0.113.9", [["tcp", 3389, 5]])]);
    await report(fleet.serverA2, [knocker("198.51.100.7", [["udp", 5060, 10]])]);
    await report(fleet.serverB1, [knocker("192.0.2.250", [["tcp", 23, 900]])]);
    // An ack may answer the hello: wait until every report is stored.
    await vi.waitFor(async () => expect(await hub.test.db.prisma.knockBucket.count()).toBe(3), 10_000);
  });
  afterAll(async () => {
    for (const agent of agents) agent.close();
    await hub.test.stop();
    await rm(geoDir, { recursive: true, force: true });
  });

  it("a tenant's top sources add up its servers, say on how many each knocked, where each is from, and leave out other tenants'", async () => {
    const { sources } = await acmeAdmin.knocks.tenantTop.query({ tenantId: fleet.tenantA.id });
    expect(sources.map((s) => [s.source, s.packets, s.servers, s.country, s.asn, s.asOrg])).toEqual([
      ["198.51.100.7", 52, 2, "CA", 64500, "Maple Telecom, Inc."],
      ["203.0.113.9", 5, 1, null, null, null],
    ]);
    expect(sources[0]!.ports).toEqual([
      { protocol: "udp", port: 5060, packets: 50 },
      { protocol: "tcp", port: 22, packets: 2 },
    ]);
    expect(sources[0]!.firstSeenAt).toBe("2026-12-01T12:01:00.000Z");
    const series = await acmeAdmin.knocks.tenantSeries.query({ tenantId: fleet.tenantA.id });
    expect(series.resolution).toBe("5m");
    expect(series.buckets.reduce((sum, b) => sum + b.packets, 0)).toBe(57);
  });

  it("ports tried are summed by packets with the sources that tried them, per server and per tenant", async () => {
    expect((await acmeAdmin.knocks.ports.query({ serverId: fleet.serverA1 })).ports).toEqual([
      { protocol: "udp", port: 5060, packets: 40, sources: 1 },
      { protocol: "tcp", port: 3389, packets: 5, sources: 1 },
      { protocol: "tcp", port: 22, packets: 2, sources: 1 },
    ]);
    const tenant = await acmeAdmin.knocks.tenantPorts.query({ tenantId: fleet.tenantA.id, hours: 48 });
    expect(tenant.ports[0]).toEqual({ protocol: "udp", port: 5060, packets: 50, sources: 1 });
    expect(tenant.ports.map((p) => p.port)).not.toContain(23);
  });

  it("the fleet trend gives each server its dropped packets per hour, and a tenant admin only their own servers", async () => {
    const all = await hub.test.admin.knocks.fleetTrend.query();
    expect(all.servers.map((s) => [s.serverId, s.packets])).toEqual([
      [fleet.serverB1, 900],
      [fleet.serverA1, 47],
      [fleet.serverA2, 10],
    ]);
    const b1 = all.servers[0]!;
    expect(b1.hourly).toHaveLength(24);
    expect(b1.hourly[23]).toBe(900);
    expect(new Date(all.since).getTime()).toBeLessThanOrEqual(hub.test.clock.now().getTime() - 23 * 3_600_000);

    const acme = await acmeAdmin.knocks.fleetTrend.query();
    expect(acme.servers.map((s) => s.serverId).sort()).toEqual([fleet.serverA1, fleet.serverA2].sort());
    // An MSP admin's filter to one tenant, and a tenant admin's own filter is no way out of it.
    expect((await hub.test.admin.knocks.fleetTrend.query({ tenantId: fleet.tenantB.id })).servers.map((s) => s.serverId)).toEqual([fleet.serverB1]);
    expect((await errorOf(acmeAdmin.knocks.fleetTrend.query({ tenantId: fleet.tenantB.id }))).code).toBe("NOT_FOUND");
  });

  it("another tenant's server or tenant is NOT_FOUND, and unknown keys are refused", async () => {
    expect((await errorOf(acmeAdmin.knocks.tenantTop.query({ tenantId: fleet.tenantB.id }))).code).toBe("NOT_FOUND");
    expect((await errorOf(acmeAdmin.knocks.tenantSeries.query({ tenantId: fleet.tenantB.id }))).code).toBe("NOT_FOUND");
    expect((await errorOf(acmeAdmin.knocks.tenantPorts.query({ tenantId: fleet.tenantB.id }))).code).toBe("NOT_FOUND");
    expect((await errorOf(acmeAdmin.knocks.ports.query({ serverId: fleet.serverB1 }))).code).toBe("NOT_FOUND");
    expect((await errorOf(acmeAdmin.knocks.tenantTop.query({ tenantId: fleet.tenantA.id, serverId: fleet.serverB1 } as never))).code).toBe("BAD_REQUEST");
    expect((await errorOf(acmeAdmin.knocks.tenantSeries.query({ tenantId: fleet.tenantA.id, hours: 0 }))).code).toBe("BAD_REQUEST");
  });
});
