// An agent given two control-plane replicas moves to the other when the one it is on goes away.
// Two real control planes (HTTP, tRPC API, hub) share one database, as replicas do; the real
// `gatehouse-agent` process enrolls with both URLs and runs with the dry-run backend (this is about
// the link, not the firewall). The replica the agent is on closes, or falls silent behind a relay
// (a partition); the agent must be on the other and apply a change made there afterwards.
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
import { SilentProxy } from "./silent-proxy.ts";

const replica = (database: TestDatabase) =>
  startUnderTest(undefined, { database, env: { ALLOW_DOCUMENTATION_ADDRESSES: "true" }, extensions: [agentHubExtension({ heartbeatIntervalMs: 1000 })] });

interface LogLine {
  msg: string;
  url?: string;
  nextUrl?: string;
  why?: string;
}

describe("an agent given several control-plane replicas", () => {
  let database: TestDatabase;
  let replicas: PlaneUnderTest[];
  const proxies: SilentProxy[] = [];
  let stateDir: string;
  let agent: ChildProcess | null = null;
  let agentLog = "";
  let serverId: string;

  const configPath = () => join(stateDir, "agent.json");
  const runAgent = () => {
    // prettier-ignore
    agent = spawn(process.execPath, [
      AGENT_BIN, "--state-dir", stateDir, "run", "--backend", "dry-run", "--dns-server", "127.0.0.1:9",
      "--heartbeat-timeout-seconds", "4", "--backoff-base-ms", "200", "--backoff-cap-ms", "1000",
    ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_LOG_LEVEL: "info" } });
    agent.stdout?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    agent.stderr?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
  };
  const stopAgent = async () => {
    const running = agent;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  };
  const logged = (): LogLine[] => agentLog.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as LogLine);
  /** The URL the agent reports being connected to, once connected to one of `urls`. */
  const connectedTo = (urls: string[]): Promise<string> =>
    vi.waitFor(async () => {
      const on = (await loadAgentStatus(join(stateDir, "status.json")))?.connectedTo ?? null;
      expect(urls, `the agent is connected to one of ${urls.join(", ")} (it says ${on})`).toContain(on);
      return on!;
    }, 30_000);
  const untilApplied = async (through: PlaneUnderTest) => {
    const { revision } = await database.prisma.server.findUniqueOrThrow({ where: { id: serverId }, select: { revision: true } });
    await vi.waitFor(async () => expect((await through.admin.fleet.server.query({ serverId })).appliedRevision, `the agent reports revision ${revision}`).toBe(revision), 30_000);
  };
  const allowThrough = (plane: PlaneUnderTest, source: string) => plane.admin.entries.add.mutate({ source, services: ["sip"], scope: { kind: "SERVER", serverId } });
  const appliedSources = async () => (JSON.parse(await readFile(join(stateDir, "applied.json"), "utf8")) as { state: { entries: { source: string }[] } }).state.entries.map((e) => e.source);

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
    expect(JSON.parse(await readFile(configPath(), "utf8"))).toMatchObject({ url: urls, serverId });
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    for (const proxy of proxies) await proxy.stop();
    for (const r of replicas ?? []) await r.stop();
    await database?.drop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
    if (process.env.AGENT_E2E_LOG) console.log(agentLog);
  });

  it("connects to one, moves to the other when it closes, and applies a change made there", async () => {
    runAgent();
    const firstUrl = await connectedTo(replicas.map((r) => r.plane.url));
    const first = replicas.find((r) => r.plane.url === firstUrl)!;
    const other = replicas.find((r) => r !== first)!;
    await untilApplied(first);

    const closedAt = Date.now();
    await closeAgentHub(first.plane.app);
    await first.plane.close();
    const entry = await allowThrough(other, "192.0.2.44");
    expect(await connectedTo([other.plane.url]), "the agent is on the replica still running").toBe(other.plane.url);
    console.info(`replica closed -> agent connected to the other: ${Date.now() - closedAt} ms`);
    await untilApplied(other);
    expect(await appliedSources()).toContain(entry.source);
    expect((await runAgentCommand(["--state-dir", stateDir, "status"])).output).toContain(`control plane: connected to ${other.plane.url}; last contact`);

    expect(logged().filter((l) => l.msg === "connected to the control plane").map((l) => l.url)).toEqual(expect.arrayContaining([first.plane.url, other.plane.url]));
    expect(logged().find((l) => l.msg.startsWith("connection to the control plane lost"))).toMatchObject({ url: first.plane.url, nextUrl: other.plane.url });
    const { credential } = JSON.parse(await readFile(configPath(), "utf8")) as { credential: string };
    expect(agentLog).not.toContain(credential);
    await first.restart();
  });

  it("moves to the other when the one it is on falls silent without closing (a partition), by its heartbeat", async () => {
    await stopAgent();
    proxies.push(...replicas.map((r) => new SilentProxy(r.plane.port)));
    for (const proxy of proxies) await proxy.start();
    // As an operator adds replicas by hand: the url in agent.json, then a restart.
    const enrolled = JSON.parse(await readFile(configPath(), "utf8")) as Record<string, unknown>;
    await writeFile(configPath(), JSON.stringify({ ...enrolled, url: proxies.map((p) => p.url).join(", ") }), { mode: 0o600 });
    agentLog = "";
    runAgent();
    const firstUrl = await connectedTo(proxies.map((p) => p.url));
    const silent = proxies.find((p) => p.url === firstUrl)!;
    const other = replicas[proxies.findIndex((p) => p !== silent)]!;
    const otherUrl = proxies.find((p) => p !== silent)!.url;
    await untilApplied(other);

    const silentAt = Date.now();
    silent.goSilent();
    const entry = await allowThrough(other, "192.0.2.45");
    expect(await connectedTo([otherUrl]), "the agent is on the replica still answering").toBe(otherUrl);
    console.info(`replica silent -> agent connected to the other: ${Date.now() - silentAt} ms (heartbeat timeout 4 s)`);
    await untilApplied(other);
    expect(await appliedSources()).toContain(entry.source);
    expect(logged().find((l) => l.msg.startsWith("connection to the control plane lost"))).toMatchObject({ url: silent.url, nextUrl: otherUrl });
  });

  it("a bad URL in agent.json's list stops `run` at start, saying which one", async () => {
    const enrolled = JSON.parse(await readFile(configPath(), "utf8")) as Record<string, unknown>;
    await writeFile(configPath(), JSON.stringify({ ...enrolled, url: `${replicas[1]!.plane.url},gatehouse-2.example.net` }), { mode: 0o600 });
    const run = await runAgentCommand(["--state-dir", stateDir, "run", "--backend", "dry-run"]);
    expect(run).toEqual({ code: 2, output: `gatehouse-agent: ${configPath()}: url "gatehouse-2.example.net" (URL 2 of 2) is not a URL\n` });
  });
});
