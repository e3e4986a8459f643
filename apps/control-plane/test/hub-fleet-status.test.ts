import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabaseKinds, type TestDatabase } from "@gatehouse/testkit/database";
import type { ReportMessage } from "@gatehouse/protocol";
import { randomBytes } from "node:crypto";
import { fleetStatus, serverAgentDetail } from "../src/hub/fleet-status.ts";
import { sha256Hex } from "@gatehouse/core";
import { errorOf, seedFleet, seedServer, startHubUnderTest, TestAgentClient, type HubUnderTest } from "./kit/index.ts";

const report: ReportMessage = {
  type: "report",
  appliedRevision: 1,
  rulesetHash: "r".repeat(64),
  desiredHash: "d".repeat(64),
  setSizes: { "gh4-sip": 1 },
  ruleCount: 9,
  unresolved: [{ fqdn: "gone.example.net", error: "no A or AAAA record" }],
  resolutions: [{ fqdn: "trunk.example.net", addresses: ["192.0.2.20"], ttlSeconds: 60, resolvedAt: "2024-05-01T10:00:00.000Z" }],
  errors: [],
  drift: { problems: ["chain GATEHOUSE is missing"] },
  agentVersion: "0.1.0",
  backend: "nftables",
};

describe("the fleet's agent status, as operators see it", () => {
  let db: TestDatabase;
  let hub: HubUnderTest;

  beforeAll(async () => {
    hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite");
    db = hub.test.db;
  });
  afterAll(async () => {
    await hub.stop();
  });

  it("shows each server online or offline, desired vs applied revision, drift and FQDN answers", async () => {
    const online = await seedServer(db.prisma, "pbx-online");
    const silent = await seedServer(db.prisma, "pbx-silent");
    const agent = await TestAgentClient.connect(hub.url, online.credential);
    await agent.next("state");
    agent.send(report);
    await agent.next("ack");
    await db.prisma.server.update({ where: { id: online.id }, data: { revision: 2 } });

    await vi.waitFor(async () => expect(await hub.isOnline(online.id), "its presence is recorded").toBe(true), 10_000);
    const { servers: rows } = await fleetStatus(db.prisma, { tenantId: online.tenantId }, { limit: 100 });
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName["pbx-online"]).toMatchObject({
      online: true,
      enrolled: true,
      desiredRevision: 2,
      appliedRevision: 1,
      inSync: false,
      backend: "nftables",
      setSizes: { "gh4-sip": 1 },
      unresolved: [{ fqdn: "gone.example.net", error: "no A or AAAA record" }],
      lastDrift: { detail: { problems: ["chain GATEHOUSE is missing"] } },
      lastRollback: null,
    });
    expect(byName["pbx-silent"]).toMatchObject({ online: false, lastSeenAt: null, appliedRevision: null, inSync: false, backend: null });

    const detail = await serverAgentDetail(db.prisma, online.id);
    expect(detail?.fqdnAnswers.map((a) => [a.fqdn, a.addresses, a.error])).toEqual([
      ["gone.example.net", [], "no A or AAAA record"],
      ["trunk.example.net", ["192.0.2.20"], null],
    ]);
    expect(detail?.fqdnAnswers[1]?.resolvedAt).toBe("2024-05-01T10:00:00.000Z");

    agent.close();
    await vi.waitFor(async () => expect(await hub.isOnline(online.id), "the agent is offline").toBe(false), 10_000);
    await vi.waitFor(async () => expect((await db.prisma.server.findUniqueOrThrow({ where: { id: online.id } })).lastSeenAt, "its last-seen time is recorded").not.toBeNull(), 10_000);
    const { servers: after } = await fleetStatus(db.prisma, { id: online.id }, { limit: 100 });
    expect(after[0]).toMatchObject({ online: false, lastSeenAt: expect.any(String) });
    expect(silent.id).not.toBe(online.id);
  });
});

describe("the fleet API (tRPC), scoped to the caller's tenant", () => {
  let hub: HubUnderTest;

  beforeAll(async () => {
    hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite");
  });
  afterAll(async () => {
    await hub.stop();
  });

  it("an operator sees their tenant's agents, online with the revision applied, and nothing of another tenant", async () => {
    const { admin } = hub.test;
    const fleet = await seedFleet(admin);
    const token = randomBytes(32).toString("base64url");
    await hub.test.db.prisma.server.update({ where: { id: fleet.serverA1 }, data: { agentCredentialHash: sha256Hex(token) } });
    const agent = await TestAgentClient.connect(hub.url, token);
    const state = await agent.next("state");
    agent.send({ ...report, appliedRevision: state.revision, desiredHash: state.hash, drift: undefined });
    await agent.next("ack");

    // An operator change reaches the agent as its new state, pushed at the new revision.
    const entry = await admin.entries.add.mutate({ source: "198.51.100.77", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    const next = await agent.next("state", (s) => s.revision === state.revision + 1);
    expect(next.state.entries).toContainEqual({ source: "198.51.100.77", kind: "ip", services: ["sip"] });
    expect(entry.source).toBe("198.51.100.77");

    const { servers: rows } = await admin.fleet.status.query({ tenantId: fleet.tenantA.id });
    const a1 = rows.find((r) => r.serverId === fleet.serverA1);
    expect(a1).toMatchObject({ online: true, appliedRevision: state.revision, desiredRevision: state.revision + 1, inSync: false, backend: "nftables" });
    expect((await admin.fleet.status.query({ tenantId: fleet.tenantA.id, problemsOnly: true })).servers.map((r) => r.name).sort()).toEqual(["pbx-a1", "pbx-a2"]);

    await admin.operators.create.mutate({ email: "bravo@example.net", name: "Bravo admin", password: "a long enough password", role: "TENANT_ADMIN", tenantId: fleet.tenantB.id });
    const bravo = await hub.test.signIn("bravo@example.net", "a long enough password");
    expect((await bravo.fleet.status.query()).servers.map((r) => r.name)).toEqual(["pbx-b1"]);
    expect((await errorOf(bravo.fleet.server.query({ serverId: fleet.serverA1 }))).code).toBe("NOT_FOUND");
    expect((await errorOf(bravo.fleet.status.query({ tenantId: fleet.tenantA.id }))).code).toBe("NOT_FOUND");
    expect((await bravo.fleet.server.query({ serverId: fleet.serverB1 })).online).toBe(false);

    // Revoking the server through the API disconnects its agent at once.
    await admin.servers.revoke.mutate({ serverId: fleet.serverA1 });
    // Two paths tell it (the API's disconnect and the hub's credential re-check on the revision
    // bump); whichever comes first, the agent hears it is revoked and the connection ends.
    expect((await agent.next("revoked")).reason).toMatch(/revoked/);
    expect(await agent.closed()).toBe(4001);
  });
});
