// A fleet-wide change pushes every connected agent its new state at once, and a control-plane
// restart makes every agent ask at once. The hub answers the whole storm from batched loads, and
// each agent still gets its own server's state; a server revoked in the meantime is refused in
// the middle of a batch like anywhere else.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { seedServer, startHubUnderTest, TestAgentClient, type HubUnderTest, type SeededServer } from "./kit/index.ts";

const AGENTS = 40;

describe.each(testDatabaseKinds())("a fetch storm on %s", (kind) => {
  let hub: HubUnderTest;
  let servers: SeededServer[];
  let agents: TestAgentClient[] = [];

  beforeAll(async () => {
    hub = await startHubUnderTest(kind);
    servers = [];
    for (let i = 0; i < AGENTS; i += 1) servers.push(await seedServer(hub.test.db.prisma));
  });
  afterAll(async () => {
    await hub.stop();
  });
  afterEach(async () => {
    for (const agent of agents) agent.close();
    agents = [];
    await hub.test.db.prisma.server.updateMany({ data: { revokedAt: null } });
  });

  const connectAll = async () => {
    agents = await Promise.all(servers.map((server) => TestAgentClient.connect(hub.url, server.credential)));
    await Promise.all(agents.map((agent) => agent.next("state")));
  };

  it("every agent holds its own new state after a fleet-wide change, pushed without a fetch", async () => {
    await connectAll();
    const from = agents.map((agent) => agent.received.length);
    await hub.test.admin.entries.add.mutate({ source: "192.0.2.77", services: ["sip"], scope: { kind: "FLEET" }, comment: "new SIP trunk" });
    const revisions = new Map((await hub.test.db.prisma.server.findMany({ select: { id: true, revision: true } })).map((s) => [s.id, s.revision]));
    const states = await Promise.all(agents.map((agent, i) => agent.next("state", (s) => s.revision === revisions.get(servers[i]!.id), from[i])));
    expect(states.map((s) => s.state.serverId)).toEqual(servers.map((server) => server.id));
    expect(states.every((s) => s.state.entries.some((entry) => entry.source === "192.0.2.77"))).toBe(true);
    expect(new Set(states.map((s) => s.hash)).size).toBe(AGENTS);
  });

  it("refuses the revoked and the deleted server among agents fetching in the same turn, and answers the others", async () => {
    await connectAll();
    const [revoked, deleted] = [7, AGENTS - 1];
    await hub.test.db.prisma.server.update({ where: { id: servers[revoked]!.id }, data: { revokedAt: new Date() } });
    await hub.test.db.prisma.server.delete({ where: { id: servers[deleted]!.id } });
    await hub.test.db.prisma.allowEntry.create({ data: { source: "192.0.2.78", sourceKind: "ip", services: ["sip"], scope: "FLEET" } });
    const from = agents.map((agent) => agent.received.length);
    for (const agent of agents) agent.send({ type: "fetch", revision: 1 });
    for (const refused of [revoked, deleted]) {
      expect(await agents[refused]!.next("revoked", () => true, from[refused])).toMatchObject({ type: "revoked" });
      expect(await agents[refused]!.closed()).toBe(4001);
    }
    const answered = [...agents.keys()].filter((i) => i !== revoked && i !== deleted);
    const states = await Promise.all(answered.map((i) => agents[i]!.next("state", () => true, from[i])));
    expect(states.map((s) => s.state.serverId)).toEqual(answered.map((i) => servers[i]!.id));
    expect(states.every((s) => s.state.entries.some((entry) => entry.source === "192.0.2.78"))).toBe(true);
  });
});
