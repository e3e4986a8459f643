import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDatabaseKinds, type TestDatabase } from "@gatehouse/testkit/database";
import { ENROLL_PATH } from "@gatehouse/protocol";
import { sha256Hex } from "@gatehouse/core";
import { seedServer, startHubUnderTest, TestAgentClient, type HubUnderTest } from "./kit/index.ts";

describe("enrolling an agent with a one-time token", () => {
  let db: TestDatabase;
  let hub: HubUnderTest;

  beforeAll(async () => {
    hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite");
    db = hub.test.db;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const newToken = async (expiresInMs: number) => {
    const server = await seedServer(db.prisma);
    const token = randomBytes(32).toString("base64url");
    await db.prisma.server.update({
      where: { id: server.id },
      data: { agentCredentialHash: null, enrollmentTokenHash: sha256Hex(token), enrollmentExpiresAt: new Date(hub.test.clock.now().getTime() + expiresInMs) },
    });
    return { serverId: server.id, token };
  };

  const enroll = (body: unknown) =>
    fetch(`${hub.url}${ENROLL_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("trades the token for a credential the hub then accepts, and audits it", async () => {
    const { serverId, token } = await newToken(60_000);
    const response = await enroll({ token, hostname: "pbx1.example.net", agentVersion: "0.1.0" });
    expect(response.status).toBe(200);
    const { serverId: enrolledAs, credential } = (await response.json()) as { serverId: string; credential: string };
    expect(enrolledAs).toBe(serverId);
    const stored = await db.prisma.server.findUniqueOrThrow({ where: { id: serverId } });
    expect(stored.enrollmentTokenHash).toBeNull();
    expect(stored.agentCredentialHash).toBe(sha256Hex(credential));
    expect(JSON.stringify(stored)).not.toContain(credential);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "agent.enrolled", targetId: serverId } });
    expect(audit).toMatchObject({ actor: `agent:${serverId}`, after: { hostname: "pbx1.example.net", agentVersion: "0.1.0" } });
    expect(JSON.stringify(audit)).not.toContain(credential);
    const agent = await TestAgentClient.connect(hub.url, credential);
    expect(await agent.next("state")).toMatchObject({ state: { serverId } });
    agent.close();
  });

  it("refuses a used token", async () => {
    const { token } = await newToken(60_000);
    expect((await enroll({ token, hostname: "pbx2", agentVersion: "0.1.0" })).status).toBe(200);
    const again = await enroll({ token, hostname: "pbx2", agentVersion: "0.1.0" });
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: "enrollment token unknown or already used" });
  });

  it("lets only one of two simultaneous uses of a token win", async () => {
    const { token } = await newToken(60_000);
    const answers = await Promise.all([1, 2, 3].map(() => enroll({ token, hostname: "pbx3", agentVersion: "0.1.0" })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401]);
  });

  it("refuses an expired token", async () => {
    const { token } = await newToken(-1000);
    const answer = await enroll({ token, hostname: "pbx4", agentVersion: "0.1.0" });
    expect(answer.status).toBe(410);
    expect(((await answer.json()) as { error: string }).error).toContain("expired");
  });

  it("refuses a body that is not an enrollment request", async () => {
    expect((await enroll({ hello: "world" })).status).toBe(400);
    const huge = await fetch(`${hub.url}${ENROLL_PATH}`, { method: "POST", body: "x".repeat(10_000) });
    expect(huge.status).toBe(413);
  });

  it("re-enrolling a server disconnects its previous agent", async () => {
    const server = await seedServer(db.prisma);
    const old = await TestAgentClient.connect(hub.url, server.credential);
    await old.next("state");
    const token = randomBytes(32).toString("base64url");
    await db.prisma.server.update({ where: { id: server.id }, data: { enrollmentTokenHash: sha256Hex(token), enrollmentExpiresAt: new Date(hub.test.clock.now().getTime() + 60_000) } });
    expect((await enroll({ token, hostname: "pbx5", agentVersion: "0.1.0" })).status).toBe(200);
    expect(await old.next("revoked")).toMatchObject({ reason: "this server was enrolled again" });
    await expect(TestAgentClient.connect(hub.url, server.credential)).rejects.toThrow("HTTP 401");
  });

  it("serves the agent bundle new servers install (cloud-init), or says how to build it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-bundle-"));
    const bundle = join(dir, "gatehouse-agent.mjs");
    await writeFile(bundle, "#!/usr/bin/env node\nconsole.log('agent');\n");
    const withBundle = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite", { agentBundleFile: bundle });
    try {
      const answer = await fetch(`${withBundle.url}/agent/gatehouse-agent.mjs`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-content-sha256")).toMatch(/^[0-9a-f]{64}$/);
      expect(await answer.text()).toContain("console.log('agent')");
      await rm(bundle);
      const missing = await fetch(`${withBundle.url}/agent/gatehouse-agent.mjs`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain("pnpm --filter @gatehouse/agent build");
    } finally {
      await withBundle.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
