// An agent given two control-plane replicas moves to the other when the one it is on goes away.
// Two real control planes (HTTP, tRPC API, hub) share one database, as replicas do; the real
// `gatehouse-agent` process enrolls with both URLs and runs with the dry-run backend (this is about
// the link, not the firewall). The replica the agent is on is closed; the agent must be on the
// other and apply a change made there afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import { agentHubExtension, closeAgentHub } from "../../control-plane/src/hub/agent-hub-extension.ts";
import { startUnderTest, type PlaneUnderTest } from "@gatehouse/control-plane/testing";
import { loadAgentStatus } from "../src/state/status-file.ts";
import { AGENT_BIN, runAgentCommand } from "./agent-process.ts";

const replica = (database: TestDatabase) =>
  startUnderTest(undefined, { database, env: { ALLOW_DOCUMENTATION_ADDRESSES: "true" }, extensions: [agentHubExtension({ heartbeatIntervalMs: 2000 })] });

describe("an agent given several control-plane replicas", () => {
  let database: TestDatabase;
  let replicas: PlaneUnderTest[];
  let stateDir: string;
  let agent: ChildProcess | null = null;
  let agentLog = "";
  let serverId: string;

  const statusPath = () => join(stateDir, "status.json");
  /** The replica the agent reports being on, once it is connected. */
  const connectedReplica = async (): Promise<PlaneUnderTest> => {
    const connectedTo = await vi.waitFor(async () => {
      const status = await loadAgentStatus(statusPath());
      expect(status?.connectedTo, "the agent is connected to a replica").toBeTruthy();
      return status!.connectedTo;
    }, 30_000);
    const on = replicas.find((r) => r.plane.url === connectedTo);
    if (!on) throw new Error(`the agent says it is on ${connectedTo}, which is neither replica`);
    return on;
  };
  const untilApplied = async (through: PlaneUnderTest) => {
    const { revision } = await database.prisma.server.findUniqueOrThrow({ where: { id: serverId }, select: { revision: true } });
    await vi.waitFor(async () => expect((await through.admin.fleet.server.query({ serverId })).appliedRevision, `the agent reports revision ${revision}`).toBe(revision), 30_000);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    replicas = [await replica(database), await replica(database)];
    const admin = replicas[0]!.admin;
    const tenant = await admin.tenants.create.mutate({ name: "Failover" });
    const created = await admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx-failover", primaryAdminSource: "203.0.113.10" });
    serverId = created.server.id;
    stateDir = await mkdtemp(join(tmpdir(), "gatehouse-failover-"));
    const urls = replicas.map((r) => r.plane.url).join(",");
    const enrolled = await runAgentCommand(["--state-dir", stateDir, "enroll", "--url", urls, "--token", created.enrollment.token]);
    expect(enrolled, enrolled.output).toMatchObject({ code: 0 });
    expect(JSON.parse(await readFile(join(stateDir, "agent.json"), "utf8"))).toMatchObject({ url: urls, serverId });
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    for (const r of replicas ?? []) await r.stop();
    await database?.drop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
    if (process.env.AGENT_E2E_LOG) console.log(agentLog);
  });

  it("connects to one, moves to the other when it goes away, and applies a change made there", async () => {
    // prettier-ignore
    agent = spawn(process.execPath, [
      AGENT_BIN, "--state-dir", stateDir, "run", "--backend", "dry-run", "--dns-server", "127.0.0.1:9",
      "--heartbeat-timeout-seconds", "6", "--backoff-base-ms", "200", "--backoff-cap-ms", "1000",
    ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_LOG_LEVEL: "info" } });
    agent.stdout?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    agent.stderr?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    const first = await connectedReplica();
    await untilApplied(first);

    const other = replicas.find((r) => r !== first)!;
    await closeAgentHub(first.plane.app);
    await first.plane.close();
    const entry = await other.admin.entries.add.mutate({ source: "192.0.2.44", services: ["sip"], scope: { kind: "SERVER", serverId } });
    await untilApplied(other);
    expect(await connectedReplica(), "the agent is on the replica still running").toBe(other);
    expect((await runAgentCommand(["--state-dir", stateDir, "status"])).output).toContain(`control plane: connected to ${other.plane.url}; last contact`);
    const applied = JSON.parse(await readFile(join(stateDir, "applied.json"), "utf8")) as { state: { entries: { source: string }[] } };
    expect(applied.state.entries.map((e) => e.source)).toContain(entry.source);

    const logged = agentLog.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { msg: string; url?: string; nextUrl?: string });
    expect(logged.filter((l) => l.msg === "connected to the control plane").map((l) => l.url)).toEqual(expect.arrayContaining([first.plane.url, other.plane.url]));
    expect(logged.find((l) => l.msg.startsWith("connection to the control plane lost"))).toMatchObject({ url: first.plane.url, nextUrl: other.plane.url });
    const { credential } = JSON.parse(await readFile(join(stateDir, "agent.json"), "utf8")) as { credential: string };
    expect(agentLog).not.toContain(credential);
  });

  it("a bad URL in agent.json's list stops `run` at start, saying which one", async () => {
    const config = join(stateDir, "agent.json");
    const enrolled = JSON.parse(await readFile(config, "utf8")) as Record<string, unknown>;
    await writeFile(config, JSON.stringify({ ...enrolled, url: `${replicas[1]!.plane.url},gatehouse-2.example.net` }), { mode: 0o600 });
    const run = await runAgentCommand(["--state-dir", stateDir, "run", "--backend", "dry-run"]);
    expect(run).toEqual({ code: 2, output: `gatehouse-agent: ${config}: url "gatehouse-2.example.net" (URL 2 of 2) is not a URL\n` });
  });
});
