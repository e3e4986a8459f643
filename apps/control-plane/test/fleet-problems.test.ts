// An operator asks for the fleet's problems: a revoked server and an agent that just had to
// repair drift are problems, however "online and in sync" the rest of the row looks.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import type { ReportMessage } from "@gatehouse/protocol";
import { fleetProblems, RECENT_AGENT_EVENT_MS, type FleetServerStatus } from "../src/hub/fleet-status.ts";
import { seedServer, startHubUnderTest, TestAgentClient, type HubUnderTest } from "./kit/index.ts";

const report = (appliedRevision: number, desiredHash: string, drift?: ReportMessage["drift"]): ReportMessage => ({
  type: "report",
  appliedRevision,
  rulesetHash: "r".repeat(64),
  desiredHash,
  setSizes: {},
  ruleCount: 9,
  unresolved: [],
  resolutions: [],
  errors: [],
  ...(drift ? { drift } : {}),
  agentVersion: "0.1.0",
  backend: "iptables",
});

describe("the fleet's problems", () => {
  let hub: HubUnderTest;

  beforeAll(async () => {
    hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite");
  });
  afterAll(async () => {
    await hub.stop();
  });

  it("names a revoked server and a drift repair, and problemsOnly lists them next to a healthy agent's absence", async () => {
    const { admin, db } = hub.test;
    const healthy = await seedServer(db.prisma, "pbx-healthy");
    const drifted = await seedServer(db.prisma, "pbx-drifted");
    const retired = await seedServer(db.prisma, "pbx-retired");
    const agents = await Promise.all([healthy, drifted].map((server) => TestAgentClient.connect(hub.url, server.credential)));
    for (const [index, agent] of agents.entries()) {
      const state = await agent.next("state");
      agent.send(report(state.revision, state.hash, index === 1 ? { problems: ["chain GATEHOUSE is missing"] } : undefined));
      await agent.next("ack");
    }
    await admin.servers.revoke.mutate({ serverId: retired.id });
    await vi.waitFor(async () => expect(await db.prisma.auditEvent.count({ where: { action: "agent.drift_repaired", targetId: drifted.id } }), "the drift repair is audited").toBe(1), 10_000);

    const { servers } = await admin.fleet.status.query({ tenantId: healthy.tenantId });
    const problems = Object.fromEntries(servers.map((s) => [s.name, s.problems]));
    expect(problems).toEqual({ "pbx-healthy": [], "pbx-drifted": ["drift_repaired"], "pbx-retired": ["revoked"] });
    // The drifted agent is online and in sync: only the repair makes it a problem.
    expect(servers.find((s) => s.name === "pbx-drifted")).toMatchObject({ online: true, inSync: true });

    const onlyProblems = await admin.fleet.status.query({ tenantId: healthy.tenantId, problemsOnly: true });
    expect(onlyProblems.servers.map((s) => s.name).sort()).toEqual(["pbx-drifted", "pbx-retired"]);
    for (const agent of agents) agent.socket.close();
  });

  it("a drift repair or rollback older than a day is history, not a problem", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const at = (msAgo: number) => ({ at: new Date(now.getTime() - msAgo).toISOString(), detail: {} });
    const row: Omit<FleetServerStatus, "problems"> = {
      serverId: "s", tenantId: "t", name: "pbx", enrolled: true, revoked: false, online: true, connectedAt: null, connectedTo: null, lastSeenAt: null,
      desiredRevision: 3, appliedRevision: 3, inSync: true, backend: "iptables", agentVersion: "0.1.0", setSizes: {}, ruleCount: 9,
      lastReportAt: null, errors: [], unresolved: [], lastDrift: at(RECENT_AGENT_EVENT_MS + 1), lastRollback: at(RECENT_AGENT_EVENT_MS + 1),
    };
    expect(fleetProblems(row, now)).toEqual([]);
    expect(fleetProblems({ ...row, lastDrift: at(60_000), lastRollback: at(60_000) }, now)).toEqual(["drift_repaired", "rolled_back"]);
    expect(fleetProblems({ ...row, online: false, revoked: true, enrolled: false }, now)).toEqual(["revoked"]);
  });
});
