// An operator adds a server and is given the complete install for the PBX: the control plane
// serves the agent bundle and its systemd unit side by side, and the install carries the SHA-256
// of exactly the bytes it serves. A revoked server can be enrolled again with a new token, while
// its old credential stays refused. (The install run on a PBX: apps/cli/test/install-netns.test.ts.)
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { ENROLL_PATH } from "@gatehouse/protocol";
import { DEFAULT_AGENT_UNIT_FILE } from "../src/hub/agent-bundle-route.ts";
import { startHubUnderTest, TestAgentClient, type HubUnderTest } from "./kit/index.ts";

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

describe("the install an operator pastes on a new PBX", () => {
  let hub: HubUnderTest;
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-install-"));
    bundle = join(dir, "gatehouse-agent.mjs");
    await writeFile(bundle, "#!/usr/bin/env node\nconsole.log('the agent');\n");
    hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite", { agentBundleFile: bundle });
  });
  afterAll(async () => {
    await hub?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const enroll = (token: string) =>
    fetch(`${hub.url}${ENROLL_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, hostname: "pbx", agentVersion: "0.1.0" }) });

  it("downloads the bundle and the unit from the control plane and checks the SHA-256 of the very bytes served", async () => {
    const { admin } = hub.test;
    const tenant = await admin.tenants.create.mutate({ name: "Acme" });
    const { enrollment } = await admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx1" });

    const servedBundle = Buffer.from(await (await fetch(`${hub.url}/agent/gatehouse-agent.mjs`)).arrayBuffer());
    const unitAnswer = await fetch(`${hub.url}/agent/gatehouse-agent.service`);
    expect(unitAnswer.status).toBe(200);
    const servedUnit = Buffer.from(await unitAnswer.arrayBuffer());
    expect(servedUnit.equals(await readFile(DEFAULT_AGENT_UNIT_FILE))).toBe(true);
    expect(unitAnswer.headers.get("x-content-sha256")).toBe(sha256(servedUnit));

    expect(enrollment).toMatchObject({ agentBundleSha256: sha256(servedBundle), agentUnitSha256: sha256(servedUnit) });
    const install = enrollment.install ?? "";
    expect(install).toContain(`curl -fsS -o gatehouse-agent.mjs ${hub.url}/agent/gatehouse-agent.mjs`);
    expect(install).toContain(`curl -fsS -o gatehouse-agent.service ${hub.url}/agent/gatehouse-agent.service`);
    expect(install).toContain(`${sha256(servedBundle)} gatehouse-agent.mjs ${sha256(servedUnit)} gatehouse-agent.service | sha256sum --check --strict`);
    expect(install).toContain(`gatehouse-agent enroll --url ${hub.url} --token ${enrollment.token}`);
    // Every step waits for the one before: a failed checksum installs and enrolls nothing.
    const steps = install.split(" &&\n");
    expect(steps.map((step) => step.split(" ")[0])).toEqual(["node", "cd", "curl", "curl", "printf", "install", "install", "gatehouse-agent", "systemctl", "systemctl", "systemctl"]);
    expect(steps.at(-1)).toBe("systemctl restart gatehouse-agent");
    // A loopback URL reaches no PBX: the answer says so.
    expect(enrollment.notes.join(" ")).toMatch(/loopback address: agents on other hosts cannot reach it. Set HOST=0.0.0.0/);
  });

  it("without a built bundle there is no install to paste, and the answer says how to get the agent", async () => {
    await rm(bundle);
    try {
      const { admin } = hub.test;
      const tenant = await admin.tenants.create.mutate({ name: "Bravo" });
      const { enrollment } = await admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx2" });
      expect(enrollment).toMatchObject({ install: null, agentBundleSha256: null });
      expect(enrollment.command).toBe(`gatehouse-agent enroll --url ${hub.url} --token ${enrollment.token}`);
      expect(enrollment.notes.join(" ")).toContain("pnpm --filter @gatehouse/agent build");
      expect((await fetch(`${hub.url}/agent/gatehouse-agent.mjs`)).status).toBe(404);
    } finally {
      await writeFile(bundle, "#!/usr/bin/env node\nconsole.log('the agent');\n");
    }
  });

  it("a revoked server is enrolled again with a new token; its old credential stays refused", async () => {
    const { admin, db } = hub.test;
    const tenant = await admin.tenants.create.mutate({ name: "Charlie" });
    const created = await admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx3" });
    const first = (await (await enroll(created.enrollment.token)).json()) as { credential: string };
    const old = await TestAgentClient.connect(hub.url, first.credential);
    await old.next("state");

    await admin.servers.revoke.mutate({ serverId: created.server.id });
    expect((await old.next("revoked")).reason).toMatch(/revoked/);

    const again = await admin.servers.regenerateEnrollment.mutate({ serverId: created.server.id });
    // The host still holds its old enrollment: the printed enroll replaces it.
    expect(again.command).toBe(`gatehouse-agent enroll --url ${hub.url} --token ${again.token} --force`);
    expect(again.install).toContain(`--token ${again.token} --force &&`);
    expect(await admin.servers.get.query({ serverId: created.server.id })).toMatchObject({ status: "pending", revokedAt: null });
    await expect(TestAgentClient.connect(hub.url, first.credential)).rejects.toThrow("HTTP 401");

    const second = await enroll(again.token);
    expect(second.status).toBe(200);
    const { credential } = (await second.json()) as { credential: string };
    expect(credential).not.toBe(first.credential);
    const fresh = await TestAgentClient.connect(hub.url, credential);
    await fresh.next("state");
    fresh.socket.close();
    await expect(TestAgentClient.connect(hub.url, first.credential)).rejects.toThrow("HTTP 401");
    expect(await admin.servers.get.query({ serverId: created.server.id })).toMatchObject({ status: "enrolled" });

    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "server.enrollment_regenerated", targetId: created.server.id } });
    expect(audit.before).toMatchObject({ revokedAt: expect.any(String) });
    expect(audit.after).toMatchObject({ revokedAt: null });
  });
});
