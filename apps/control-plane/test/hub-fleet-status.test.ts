import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import type { ReportMessage } from "@gatehouse/protocol";
import { fleetStatus, serverAgentDetail } from "../src/hub/fleet-status.ts";
import { eventually, seedServer, startHubUnderTest, TestAgentClient, type HubUnderTest } from "./hub-fixture.ts";

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
    db = await createTestDatabase();
    hub = await startHubUnderTest(db.prisma);
  });
  afterAll(async () => {
    await hub.stop();
    await db.drop();
  });

  it("shows each server online or offline, desired vs applied revision, drift and FQDN answers", async () => {
    const online = await seedServer(db.prisma, "pbx-online");
    const silent = await seedServer(db.prisma, "pbx-silent");
    const agent = await TestAgentClient.connect(hub.url, online.credential);
    await agent.next("state");
    agent.send(report);
    await agent.next("ack");
    await db.prisma.server.update({ where: { id: online.id }, data: { revision: 2 } });

    const presence = hub.routes.hub.onlineServers();
    const rows = await fleetStatus(db.prisma, presence, { tenantId: online.tenantId });
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

    const detail = await serverAgentDetail(db.prisma, presence, online.id);
    expect(detail?.fqdnAnswers.map((a) => [a.fqdn, a.addresses, a.error])).toEqual([
      ["gone.example.net", [], "no A or AAAA record"],
      ["trunk.example.net", ["192.0.2.20"], null],
    ]);
    expect(detail?.fqdnAnswers[1]?.resolvedAt.toISOString()).toBe("2024-05-01T10:00:00.000Z");

    agent.close();
    await eventually("the agent is offline", () => !hub.routes.hub.onlineServers().has(online.id));
    await eventually("its last-seen time is recorded", async () => (await db.prisma.server.findUniqueOrThrow({ where: { id: online.id } })).lastSeenAt !== null);
    const after = await fleetStatus(db.prisma, hub.routes.hub.onlineServers(), { id: online.id });
    expect(after[0]).toMatchObject({ online: false, lastSeenAt: expect.any(Date) });
    expect(silent.id).not.toBe(online.id);
  });
});
