// rulesets.explain over HTTP: what allows one address on one server (entries, LAN, primary
// admin, RTP open to all, nothing), a tenant admin kept to their own tenant's servers, bad input
// refused, and the agent's live kernel answer asked through the real hub: paired by request id,
// taken only from the asked server's own connection, bounded in time, rate-limited per operator.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sha256Hex } from "@gatehouse/core";
import { PROTOCOL_VERSION, SET_LOOKUP_FEATURE } from "@gatehouse/protocol";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { EXPLAINS_PER_MINUTE } from "../src/api/explain-rate.ts";
import { errorOf, OPERATOR_PASSWORD, seedFleet, startHubUnderTest, TestAgentClient, type Api, type Fleet, type HubUnderTest } from "./kit/index.ts";

describe.each(testDatabaseKinds())("rulesets.explain on %s", (kind) => {
  let hub: HubUnderTest;
  let fleet: Fleet;
  let tenantAdminA: Api;
  const agents: TestAgentClient[] = [];

  beforeAll(async () => {
    hub = await startHubUnderTest(kind);
    fleet = await seedFleet(hub.test.admin);
    await hub.test.admin.operators.create.mutate({ email: "a-admin@example.net", name: "A admin", password: OPERATOR_PASSWORD, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    tenantAdminA = await hub.test.signIn("a-admin@example.net", OPERATOR_PASSWORD);
  });
  afterAll(async () => {
    for (const agent of agents) agent.close();
    await hub.stop();
  });
  beforeEach(async () => {
    await hub.test.db.prisma.allowEntry.deleteMany();
    hub.test.clock.advance(61_000); // a fresh rate-limit window for every test
  });

  const explain = (serverId: string, address: string, api: Api = hub.test.admin) => api.rulesets.explain.query({ serverId, address });

  /** Connects an agent for `serverId` that says hello, with or without the set-lookup feature. */
  async function connectAgent(serverId: string, features = true): Promise<TestAgentClient> {
    const credential = randomBytes(32).toString("base64url");
    await hub.test.db.prisma.server.update({ where: { id: serverId }, data: { agentCredentialHash: sha256Hex(credential) } });
    const agent = await TestAgentClient.connect(hub.url, credential, { hello: false });
    agents.push(agent);
    agent.send({ type: "hello", protocolVersion: PROTOCOL_VERSION, agentVersion: "test", backend: "nftables", ...(features ? { features: [SET_LOOKUP_FEATURE] } : {}) });
    await agent.next("state");
    return agent;
  }

  it("names the entry that allows an address, for its services, until its expiry; the agent offline is said", async () => {
    const until = new Date(hub.test.clock.now().getTime() + 3_600_000);
    const added = await hub.test.admin.entries.add.mutate({ source: "198.51.100.0/28", services: ["sip"], comment: "branch office", expiresAt: until.toISOString(), scope: { kind: "SERVER", serverId: fleet.serverA2 } });
    const answer = await explain(fleet.serverA2, "198.51.100.7");
    expect(answer.server).toEqual({ id: fleet.serverA2, name: "pbx-a2" });
    expect(answer.explanation.dropped).toBe(false);
    expect(answer.explanation.allows).toContainEqual(expect.objectContaining({ kind: "entry", entryId: added.id, comment: "branch office", services: ["sip"] }));
    const sip = answer.explanation.services.find((row) => row.service === "sip");
    expect(sip?.until).toBe(until.toISOString());
    expect(answer.live).toMatchObject({ status: "offline", verdicts: null });
    expect((await explain(fleet.serverA2, "198.51.100.16")).explanation.dropped).toBe(true);
  });

  it("LAN ranges and the primary admin allow everything; elsewhere nothing does", async () => {
    expect((await explain(fleet.serverA1, "192.168.1.20")).explanation.allows).toEqual([{ kind: "lan", range: "192.168.0.0/16", services: ["all"] }, { kind: "mediaOpenToAll", services: ["rtp"] }]);
    expect((await explain(fleet.serverA1, "203.0.113.10")).explanation.allows).toContainEqual({ kind: "primaryAdmin", source: "203.0.113.10", services: ["all"], via: null });
    expect((await explain(fleet.serverB1, "203.0.113.10")).explanation.allows.filter((allow) => allow.kind !== "mediaOpenToAll")).toEqual([]);
  });

  it("refuses what is not one address, and a stray key, with the parser's words on the address field", async () => {
    expect(await errorOf(explain(fleet.serverA1, "198.51.100.300"))).toEqual({ code: "BAD_REQUEST", message: "Address: 198.51.100.300 is not an IPv4 address: octet 4 is 300", field: "address" });
    for (const bad of ["198.51.100.0/24", "pbx.example.com", "198.51.100.7 } ; flush ruleset"]) {
      expect(await errorOf(explain(fleet.serverA1, bad))).toMatchObject({ code: "BAD_REQUEST", field: "address" });
    }
    const stray = hub.test.admin.rulesets.explain.query({ serverId: fleet.serverA1, address: "198.51.100.7", live: false } as never);
    expect(await errorOf(stray)).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("a tenant admin explains their own tenant's servers and cannot explain another tenant's, whose agent is never asked", async () => {
    const bravoAgent = await connectAgent(fleet.serverB1);
    expect((await explain(fleet.serverA1, "192.168.1.20", tenantAdminA)).server.name).toBe("pbx-a1");
    const refused = await errorOf(explain(fleet.serverB1, "203.0.113.7", tenantAdminA));
    expect(["FORBIDDEN", "NOT_FOUND"]).toContain(refused.code);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bravoAgent.received.filter((message) => message.type === "set-lookup")).toEqual([]);
    bravoAgent.close();
  });

  it("asks the connected agent, pairs its answer by request id, and shows where its kernel disagrees", async () => {
    await hub.test.admin.entries.add.mutate({ source: "198.51.100.7", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA2 } });
    const agent = await connectAgent(fleet.serverA2);
    const pending = explain(fleet.serverA2, "198.51.100.7");
    const request = await agent.next("set-lookup");
    expect(request).toMatchObject({ address: "198.51.100.7", version: 1 });
    agent.send({ type: "set-lookup-answer", version: 1, requestId: request.requestId, backend: "nftables", groups: [{ group: "lan", present: false }, { group: "sip", present: false }] });
    const answer = await pending;
    expect(answer.live).toMatchObject({ status: "answered", backend: "nftables", agrees: false });
    expect(answer.live.verdicts).toContainEqual({ service: "sip", stored: true, kernel: false });
    agent.close();
  });

  it("an answer from another server's agent, or to an id never asked, counts for nothing: the wait ends as no answer", async () => {
    const asked = await connectAgent(fleet.serverA2);
    const other = await connectAgent(fleet.serverA1);
    const pending = explain(fleet.serverA2, "198.51.100.7");
    const request = await asked.next("set-lookup");
    const lie = { type: "set-lookup-answer" as const, version: 1 as const, backend: "nftables" as const, groups: [{ group: "all", present: true }] };
    other.send({ ...lie, requestId: request.requestId });
    asked.send({ ...lie, requestId: "0000000000000000" });
    expect((await pending).live).toMatchObject({ status: "no-answer", waitedMs: 3000 });
    asked.close();
    other.close();
  });

  it("an agent connected to another replica is said to be there, not offline", async () => {
    const prisma = hub.test.db.prisma;
    await prisma.controlPlaneReplica.create({ data: { id: "replica-elsewhere", listenUrl: "http://10.0.0.2:8080" } });
    await prisma.server.update({ where: { id: fleet.serverB1 }, data: { connectedReplicaId: "replica-elsewhere" } });
    expect((await explain(fleet.serverB1, "198.51.100.7")).live).toEqual({ status: "other-replica", verdicts: null, agrees: null });
    await prisma.server.update({ where: { id: fleet.serverB1 }, data: { connectedReplicaId: null } });
    await prisma.controlPlaneReplica.delete({ where: { id: "replica-elsewhere" } });
  });

  it("an agent that did not offer set-lookup is not sent one (it would take it for a protocol error)", async () => {
    const old = await connectAgent(fleet.serverA2, false);
    expect((await explain(fleet.serverA2, "198.51.100.7")).live.status).toBe("unsupported");
    expect(old.received.some((message) => message.type === "set-lookup")).toBe(false);
    old.close();
  });

  it(`allows ${EXPLAINS_PER_MINUTE} explains a minute per operator, then says when to come back`, async () => {
    for (let i = 0; i < EXPLAINS_PER_MINUTE; i += 1) await explain(fleet.serverA1, "192.168.1.20", tenantAdminA);
    expect(await errorOf(explain(fleet.serverA1, "192.168.1.20", tenantAdminA))).toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining("explains a minute") });
    // Another operator's allowance is their own.
    expect((await explain(fleet.serverA1, "192.168.1.20")).explanation.dropped).toBe(false);
  });
});
