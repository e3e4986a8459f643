// The whole story on real packets: a real control plane (tRPC API, hub, database), the real
// `gatehouse-agent` process enforcing iptables+ipset or nftables in a "pbx" network namespace
// (--netns), a DNS server the test runs, and client namespaces probing SIP (TCP 5060) over IPv4
// and IPv6. Documentation addresses only; the namespaces are created here and deleted after.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { agentHubExtension, closeAgentHub } from "../../control-plane/src/hub/agent-hub-extension.ts";
import { startUnderTest, type Api, type PlaneUnderTest } from "@gatehouse/control-plane/testing";
import { TestDnsServer } from "./dns-server.ts";
import { AGENT_BIN, runAgentCommand } from "./agent-process.ts";

const enabled = requireCapability("agent e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));
const SIP = 5060;
const BOTH = { ipv4: true, ipv6: true };
const NEITHER = { ipv4: false, ipv6: false };

describe.runIf(enabled).each([
  { backend: "iptables", label: "ei", flush: [["iptables", "-F"], ["ip6tables", "-F"]] },
  { backend: "nftables", label: "en", flush: [["nft", "flush", "ruleset"]] },
])("a PBX kept by the $backend agent", ({ backend, label, flush }) => {
  let lab: NetnsLab;
  let dns: TestDnsServer;
  let test: PlaneUnderTest;
  let admin: Api;
  let stateDir: string;
  let agent: ChildProcess | null = null;
  let agentLog = "";
  let serverId: string;
  let pbxNetns: string;
  const addressesOf = (host: string) => ({ v4: lab.host(host).ipv4, v6: lab.host(host).ipv6 });

  const reachesSip = async (from: string) => {
    const pbx = lab.host("pbx");
    const [ipv4, ipv6] = await Promise.all([lab.canConnect(from, pbx.ipv4, SIP), lab.canConnect(from, pbx.ipv6, SIP)]);
    return { ipv4, ipv6 };
  };
  const until = async (from: string, expected: { ipv4: boolean; ipv6: boolean }) => {
    await vi.waitFor(async () => expect(JSON.stringify(await reachesSip(from)), `${from} reaches SIP ${JSON.stringify(expected)}`).toBe(JSON.stringify(expected)), 30_000);
  };
  const untilApplied = async () => {
    const { revision } = await test.db.prisma.server.findUniqueOrThrow({ where: { id: serverId }, select: { revision: true } });
    await vi.waitFor(async () => expect((await admin.fleet.server.query({ serverId })).appliedRevision, `the agent reports revision ${revision}`).toBe(revision), 30_000);
  };
  const allow = (source: string) => admin.entries.add.mutate({ source, services: ["sip"], scope: { kind: "SERVER", serverId } });

  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: ["pbx", "traveler", "stranger"] });
    pbxNetns = lab.host("pbx").netns;
    await lab.listenTcp("pbx", [SIP]);
    dns = new TestDnsServer();
    await dns.start();
    test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", { extensions: [agentHubExtension({ heartbeatIntervalMs: 2000 })] });
    admin = test.admin;
    const tenant = await admin.tenants.create.mutate({ name: `E2E ${backend}` });
    const created = await admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx-e2e", primaryAdminSource: "203.0.113.10" });
    serverId = created.server.id;
    stateDir = await mkdtemp(join(tmpdir(), "gatehouse-e2e-"));
    const enrolled = await runAgentCommand(["--state-dir", stateDir, "enroll", "--url", test.plane.url, "--token", created.enrollment.token]);
    expect(enrolled, enrolled.output).toMatchObject({ code: 0 });
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    await lab?.destroy();
    await dns?.stop();
    await test?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
    if (process.env.AGENT_E2E_LOG) console.log(agentLog);
  });

  it("an enrolled agent closes SIP to everyone not on the allowlist", async () => {
    agent = spawn(
      process.execPath,
      [
        AGENT_BIN,
        "--state-dir", stateDir,
        "run",
        "--backend", backend,
        "--netns", pbxNetns,
        "--dns-server", dns.address,
        "--ttl-min-seconds", "1",
        "--drift-interval-seconds", "1",
        "--heartbeat-timeout-seconds", "6",
        "--backoff-base-ms", "200",
        "--backoff-cap-ms", "1000",
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_LOG_LEVEL: "info" } },
    );
    agent.stdout?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    agent.stderr?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    await untilApplied();
    const status = await admin.fleet.server.query({ serverId });
    expect(status).toMatchObject({ online: true, inSync: true, backend, unresolved: [] });
    expect(await reachesSip("traveler")).toEqual(NEITHER);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
  });

  it("an address allowed through the API opens SIP within seconds, and removing it closes it", async () => {
    const traveler = addressesOf("traveler");
    const v4 = await allow(traveler.v4);
    const v6 = await allow(traveler.v6);
    await until("traveler", BOTH);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    await admin.entries.remove.mutate({ entryId: v4.id });
    await admin.entries.remove.mutate({ entryId: v6.id });
    await until("traveler", NEITHER);
  });

  it("an FQDN entry follows its address when DNS changes (dynamic DNS)", async () => {
    const traveler = addressesOf("traveler");
    const stranger = addressesOf("stranger");
    dns.set("home.example.test", { a: [traveler.v4], aaaa: [traveler.v6], ttl: 1 });
    const entry = await allow("home.example.test");
    await until("traveler", BOTH);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    dns.set("home.example.test", { a: [stranger.v4], aaaa: [stranger.v6], ttl: 1 });
    await until("stranger", BOTH);
    expect(await reachesSip("traveler")).toEqual(NEITHER);
    const answers = (await admin.fleet.server.query({ serverId })).fqdnAnswers;
    expect(answers).toContainEqual(expect.objectContaining({ fqdn: "home.example.test", addresses: [stranger.v4, stranger.v6].sort(), error: null }));
    await admin.entries.remove.mutate({ entryId: entry.id });
    await until("stranger", NEITHER);
  });

  it("an FQDN that does not resolve is reported while everything else is applied", async () => {
    const traveler = addressesOf("traveler");
    await allow("nowhere.example.test");
    await allow(traveler.v4);
    await allow(traveler.v6);
    await until("traveler", BOTH);
    await untilApplied();
    const status = await admin.fleet.server.query({ serverId });
    expect(status.unresolved).toEqual([{ fqdn: "nowhere.example.test", error: expect.stringContaining("no A or AAAA record") }]);
    expect(status.fqdnAnswers).toContainEqual(expect.objectContaining({ fqdn: "nowhere.example.test", addresses: [], error: expect.any(String) }));
  });

  it("a firewall flushed by hand is repaired and the drift reported", async () => {
    for (const [command, ...args] of flush) await lab.exec("pbx", command!, args);
    await until("stranger", NEITHER);
    await until("traveler", BOTH);
    await vi.waitFor(async () => expect((await admin.fleet.server.query({ serverId })).lastDrift, "the drift repair is reported").not.toBeNull(), 30_000);
  });

  it("with the control plane gone the rules stay, and the agent catches up when it returns", async () => {
    await closeAgentHub(test.plane.app);
    await test.plane.close();
    await vi.waitFor(() => expect(agentLog, "the agent notices").toContain("connection to the control plane lost"), 30_000);
    expect(await reachesSip("traveler")).toEqual(BOTH);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    await test.restart();
    const stranger = addressesOf("stranger");
    await allow(stranger.v4);
    await allow(stranger.v6);
    await until("stranger", BOTH);
    // Presence is written to the database in batches, just after the connect.
    await vi.waitFor(async () => expect((await admin.fleet.server.query({ serverId })).online, "fleet status shows it online").toBe(true), 10_000);
  });

  it("stopping the agent leaves every rule in place; only uninstall removes them", async () => {
    for (const source of [lab.host("stranger").ipv4, lab.host("stranger").ipv6]) {
      for (const e of (await admin.entries.list.query({ serverId, source })).entries) await admin.entries.remove.mutate({ entryId: e.id });
    }
    await until("stranger", NEITHER);
    await untilApplied();
    const running = agent!;
    const exited = new Promise<number | null>((resolve) => running.once("exit", (code) => resolve(code)));
    running.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(await reachesSip("traveler")).toEqual(BOTH);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    const { credential } = JSON.parse(await readFile(join(stateDir, "agent.json"), "utf8")) as { credential: string };
    expect(agentLog).not.toContain(credential);
    const uninstalled = await runAgentCommand(["--state-dir", stateDir, "uninstall", "--backend", backend, "--netns", pbxNetns]);
    expect(uninstalled, uninstalled.output).toMatchObject({ code: 0 });
    await until("stranger", BOTH);
  });
});
