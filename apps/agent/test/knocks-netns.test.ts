// Drop telemetry on real packets: the real `gatehouse-agent` enforces iptables+ipset or nftables
// in a "pbx" namespace, a stranger (another namespace) knocks on a few closed ports over IPv4 and
// IPv6, and the control plane's API shows that source with the ports it tried. An allowed
// traveler's traffic to the port it may use is never counted as a knock.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { agentHubExtension } from "../../control-plane/src/hub/agent-hub-extension.ts";
import { startUnderTest, type Api, type PlaneUnderTest } from "@gatehouse/control-plane/testing";
import { AGENT_BIN, runAgentCommand } from "./agent-process.ts";

const enabled = requireCapability("drop telemetry netns", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));
const SIP = 5060;

describe.runIf(enabled).each([
  { backend: "iptables", label: "ki" },
  { backend: "nftables", label: "kn" },
])("the $backend agent's drop telemetry", ({ backend, label }) => {
  let lab: NetnsLab;
  let test: PlaneUnderTest;
  let admin: Api;
  let stateDir: string;
  let agent: ChildProcess | null = null;
  let agentLog = "";
  let serverId: string;

  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: ["pbx", "traveler", "stranger"] });
    await lab.listenTcp("pbx", [SIP]);
    test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", { extensions: [agentHubExtension({ heartbeatIntervalMs: 2000 })] });
    admin = test.admin;
    const tenant = await admin.tenants.create.mutate({ name: `Knocks ${backend}` });
    const created = await admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx-knocks", primaryAdminSource: "203.0.113.10" });
    serverId = created.server.id;
    await admin.entries.add.mutate({ source: lab.host("traveler").ipv4, services: ["sip"], scope: { kind: "SERVER", serverId } });
    stateDir = await mkdtemp(join(tmpdir(), "gatehouse-knocks-"));
    const enrolled = await runAgentCommand(["--state-dir", stateDir, "enroll", "--url", test.plane.url, "--token", created.enrollment.token]);
    expect(enrolled, enrolled.output).toMatchObject({ code: 0 });
    agent = spawn(
      process.execPath,
      [AGENT_BIN, "--state-dir", stateDir, "run", "--backend", backend, "--netns", lab.host("pbx").netns, "--knock-interval-seconds", "1", "--drift-interval-seconds", "2", "--backoff-base-ms", "200", "--backoff-cap-ms", "1000"],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_LOG_LEVEL: "info" } },
    );
    agent.stdout?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    agent.stderr?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    const { revision } = await test.db.prisma.server.findUniqueOrThrow({ where: { id: serverId }, select: { revision: true } });
    await vi.waitFor(async () => expect((await admin.fleet.server.query({ serverId })).appliedRevision, `the agent applies revision ${revision}\n${agentLog}`).toBe(revision), 30_000);
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    await lab?.destroy();
    await test?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
    if (process.env.AGENT_E2E_LOG) console.log(agentLog);
  });

  it("a stranger's scan shows up in the counts with the ports it tried; the allowed traveler's SIP does not", async () => {
    const pbx = lab.host("pbx");
    const stranger = lab.host("stranger");
    expect(await lab.canConnect("traveler", pbx.ipv4, SIP), "the traveler is allowed SIP").toBe(true);
    for (let i = 0; i < 3; i++) await lab.probe("stranger", "udp", pbx.ipv4, 5060, { timeoutMs: 100 });
    await lab.probe("stranger", "udp", pbx.ipv4, 5061, { timeoutMs: 100 });
    expect(await lab.canConnect("stranger", pbx.ipv4, 22, { timeoutMs: 100 })).toBe(false);
    expect(await lab.canConnect("stranger", pbx.ipv6, 3389, { timeoutMs: 100 })).toBe(false);

    // The probes may span two of the agent's intervals: wait until every knock is reported.
    const knocked = async () =>
      (await admin.knocks.top.query({ serverId })).sources
        .map((s) => `${s.source} ${s.ports.map((p) => `${p.protocol}/${p.port}x${p.packets}`).sort().join(",")} tried ${s.portsTried}`)
        .sort();
    await vi.waitFor(
      async () => expect(await knocked(), `the stranger's knocks are reported\n${agentLog}`).toEqual([`${stranger.ipv4} tcp/22x1,udp/5060x3,udp/5061x1 tried 3`, `${stranger.ipv6} tcp/3389x1 tried 1`].sort()),
      30_000,
    );
    const { sources } = await admin.knocks.top.query({ serverId });
    expect(sources.map((s) => s.source)).not.toContain(lab.host("traveler").ipv4);
    expect(sources[0]).toMatchObject({ source: stranger.ipv4, packets: 5 });

    // The agent reports per interval: counts already reported are not reported again.
    const before = (await admin.knocks.series.query({ serverId })).buckets.reduce((sum, b) => sum + b.packets, 0);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await admin.knocks.series.query({ serverId })).buckets.reduce((sum, b) => sum + b.packets, 0)).toBe(before);
  });
});
