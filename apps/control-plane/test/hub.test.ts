import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { testDatabaseKinds, type TestDatabase } from "@gatehouse/testkit/database";
import { MAX_AGENT_MESSAGE_BYTES, type ReportMessage } from "@gatehouse/protocol";
import { seedServer, startHubUnderTest, TestAgentClient, type HubUnderTest, type SeededServer } from "./kit/index.ts";

const report = (appliedRevision: number, extra: Partial<ReportMessage> = {}): ReportMessage => ({
  type: "report",
  appliedRevision,
  rulesetHash: "r".repeat(64),
  desiredHash: "d".repeat(64),
  setSizes: { "gh4-sip": 2 },
  ruleCount: 9,
  unresolved: [{ fqdn: "gone.example.net", error: "gone.example.net has no A or AAAA record (ENOTFOUND)" }],
  resolutions: [{ fqdn: "trunk.example.net", addresses: ["192.0.2.20"], ttlSeconds: 60, resolvedAt: "2024-05-01T10:00:00.000Z" }],
  errors: [],
  agentVersion: "0.1.0",
  backend: "iptables",
  ...extra,
});

describe("the agent hub", () => {
  let db: TestDatabase;
  let hub: HubUnderTest;
  let server: SeededServer;
  const clients: TestAgentClient[] = [];
  const connect = async (credential: string, options?: Parameters<typeof TestAgentClient.connect>[2]) => {
    const client = await TestAgentClient.connect(hub.url, credential, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite", { heartbeatIntervalMs: 200 });
    db = hub.test.db;
  });
  afterAll(async () => {
    await hub.stop();
  });
  beforeEach(async () => {
    server = await seedServer(db.prisma);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it("answers a connecting agent's hello with its full desired state", async () => {
    const agent = await connect(server.credential);
    const state = await agent.next("state");
    expect(state).toMatchObject({ revision: 1, state: { serverId: server.id, policy: { primaryAdmin: "198.51.100.1" } } });
    expect(state.hash).toMatch(/^[0-9a-f]{64}$/);
    await vi.waitFor(async () => expect(await hub.isOnline(server.id), "fleet status counts it online").toBe(true), 10_000);
  });

  it("answers the hello of an agent that already enforces the current state with an ack, not the state", async () => {
    const first = await connect(server.credential);
    const state = await first.next("state");
    first.send(report(state.revision, { desiredHash: state.hash }));
    await first.next("ack");
    first.close();
    const again = await connect(server.credential, { applied: { revision: state.revision, hash: state.hash } });
    expect(await again.next("ack")).toEqual({ type: "ack", revision: state.revision });
    // Behind by one revision: the full state again.
    await db.prisma.server.update({ where: { id: server.id }, data: { revision: { increment: 1 } } });
    const behind = await connect(server.credential, { applied: { revision: state.revision, hash: state.hash } });
    expect(await behind.next("state")).toMatchObject({ revision: state.revision + 1 });
    expect(again.received.some((m) => m.type === "state")).toBe(false);
  });

  it("refuses an unknown credential and a revoked server's credential with 401", async () => {
    await expect(connect("not-a-real-credential-at-all-000000")).rejects.toThrow("HTTP 401");
    await db.prisma.server.update({ where: { id: server.id }, data: { revokedAt: new Date() } });
    await expect(connect(server.credential)).rejects.toThrow("HTTP 401");
  });

  it("disconnects a server at once when its revocation is published", async () => {
    const agent = await connect(server.credential);
    await agent.next("state");
    const revision = (await db.prisma.server.update({ where: { id: server.id }, data: { revokedAt: new Date(), revision: { increment: 1 } } })).revision;
    hub.publish({ serverId: server.id, revision });
    expect(await agent.next("revoked", () => true).catch(() => null)).toMatchObject({ type: "revoked" });
    expect(await agent.closed()).toBe(4001);
    await vi.waitFor(async () => expect(await hub.isOnline(server.id), "the hub counts it offline").toBe(false), 10_000);
  });

  it("pushes a connected agent its new state after a change, unasked, and still answers a fetch", async () => {
    const agent = await connect(server.credential);
    await agent.next("state");
    const revision = (await db.prisma.server.update({ where: { id: server.id }, data: { revision: { increment: 1 }, primaryAdminSource: "198.51.100.2" } })).revision;
    hub.publish({ serverId: server.id, revision });
    const pushed = await agent.next("state", (s) => s.revision === 2);
    expect(pushed.state.policy.primaryAdmin).toBe("198.51.100.2");
    expect(agent.received.filter((m) => m.type === "changed")).toEqual([]);
    const from = agent.received.length;
    agent.send({ type: "fetch", revision: 2 });
    expect((await agent.next("state", (s) => s.revision === 2, from)).hash).toBe(pushed.hash);
  });

  it("cuts off an agent whose server was re-enrolled by any means, at the next change, instead of pushing it the state", async () => {
    const agent = await connect(server.credential);
    await agent.next("state");
    const from = agent.received.length;
    const { revision } = await db.prisma.server.update({ where: { id: server.id }, data: { revision: { increment: 1 }, agentCredentialHash: "0".repeat(64) } });
    hub.publish({ serverId: server.id, revision });
    expect(await agent.next("revoked", () => true, from)).toMatchObject({ type: "revoked" });
    expect(await agent.closed()).toBe(4001);
    expect(agent.received.slice(from).filter((m) => m.type === "state")).toEqual([]);
  });

  it("stores a report (applied revision, hash, each FQDN's answer) and acks it", async () => {
    const agent = await connect(server.credential);
    await agent.next("state");
    agent.send(report(1));
    expect(await agent.next("ack")).toEqual({ type: "ack", revision: 1 });
    const stored = await db.prisma.server.findUniqueOrThrow({ where: { id: server.id }, include: { fqdnAnswers: { orderBy: { fqdn: "asc" } } } });
    expect(stored).toMatchObject({ appliedRevision: 1, appliedHash: "d".repeat(64) });
    expect(stored.lastSeenAt).toBeInstanceOf(Date);
    expect(stored.lastReport).toMatchObject({ rulesetHash: "r".repeat(64), setSizes: { "gh4-sip": 2 }, backend: "iptables", agentVersion: "0.1.0" });
    expect(stored.fqdnAnswers.map((a) => [a.fqdn, a.addresses, a.error])).toEqual([
      ["gone.example.net", [], "gone.example.net has no A or AAAA record (ENOTFOUND)"],
      ["trunk.example.net", ["192.0.2.20"], null],
    ]);
    // A later report that no longer mentions an FQDN removes its answer.
    agent.send(report(1, { unresolved: [] }));
    await agent.next("ack", () => true, agent.received.length);
    expect((await db.prisma.fqdnAnswer.findMany({ where: { serverId: server.id } })).map((a) => a.fqdn)).toEqual(["trunk.example.net"]);
  });

  it("audits a drift repair and a commit-confirm rollback an agent reports", async () => {
    const agent = await connect(server.credential);
    await agent.next("state");
    agent.send(report(1, { drift: { problems: ["jump to GATEHOUSE is not first in INPUT"] }, rolledBack: { fromRevision: 2, reason: "no ack within 30 s" } }));
    await agent.next("ack");
    const events = await db.prisma.auditEvent.findMany({ where: { targetId: server.id }, orderBy: { action: "asc" } });
    expect(events.map((e) => [e.action, e.actor, e.tenantId])).toEqual([
      ["agent.drift_repaired", `agent:${server.id}`, server.tenantId],
      ["agent.rolled_back", `agent:${server.id}`, server.tenantId],
    ]);
    expect(events[0]?.after).toMatchObject({ problems: ["jump to GATEHOUSE is not first in INPUT"] });
  });

  it("closes only the connection that sent a malformed message", async () => {
    const other = await seedServer(db.prisma);
    const bad = await connect(server.credential);
    const good = await connect(other.credential);
    await bad.next("state");
    await good.next("state");
    bad.socket.send("{ this is not json");
    expect(await bad.closed()).toBe(1008);
    hub.publish({ serverId: other.id, revision: 1 });
    good.send(report(1));
    expect(await good.next("ack")).toEqual({ type: "ack", revision: 1 });
    expect(good.closeCode).toBeNull();
  });

  it("closes a connection that sends an oversized message", async () => {
    const agent = await connect(server.credential);
    await agent.next("state");
    agent.socket.send("x".repeat(MAX_AGENT_MESSAGE_BYTES + 1));
    expect(await agent.closed()).toBe(1009);
  });

  it("refuses a hello in a protocol version it does not speak", async () => {
    const agent = await connect(server.credential, { hello: false });
    agent.send({ type: "hello", protocolVersion: 99, agentVersion: "9.0.0", backend: "nftables" });
    expect(await agent.next("error")).toMatchObject({ message: expect.stringContaining("protocol version 99") });
    expect(await agent.closed()).toBe(4003);
  });

  it("cuts off an agent that stops answering heartbeats", async () => {
    const agent = await connect(server.credential, { autoPong: false });
    await agent.next("state");
    expect(await agent.closed()).toBe(1006);
    await vi.waitFor(async () => expect(await hub.isOnline(server.id), "the hub counts it offline").toBe(false), 10_000);
  });

  it("a newer connection of the same server replaces the older one", async () => {
    const first = await connect(server.credential);
    await first.next("state");
    const second = await connect(server.credential);
    await second.next("state");
    expect(await first.closed()).toBe(4002);
    const { revision } = await db.prisma.server.update({ where: { id: server.id }, data: { revision: 5 } });
    hub.publish({ serverId: server.id, revision });
    expect((await second.next("state", (s) => s.revision === 5)).state.serverId).toBe(server.id);
  });
});
