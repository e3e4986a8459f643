// Taking access away ends the connections already open, not only new ones. The rulesets accept
// established traffic first, so a phone that keeps talking (SIP keep-alives over UDP, a held TCP
// connection) would stay connected after its entry is removed or its traveler grant expires.
// A real control plane and the real agent process enforce iptables or nftables in a "pbx"
// namespace; a "phone" and a "colleague" namespace talk to a SIP echo on UDP and TCP 5060 over
// IPv4 and IPv6. Documentation addresses only; the namespaces are created here and deleted after.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { startTalker, type Talker } from "@gatehouse/testkit/talker";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { agentHubExtension } from "../../control-plane/src/hub/agent-hub-extension.ts";
import { travelersExtension } from "../../control-plane/src/travelers/extension.ts";
import { startUnderTest, type Api, type PlaneUnderTest } from "@gatehouse/control-plane/testing";
import { AGENT_BIN, runAgentCommand } from "./agent-process.ts";

const enabled = requireCapability("flow cutting e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft", "conntrack"]));
const SIP = 5060;
const INTERVAL_MS = 200;
/** Three keep-alives in a row unanswered: the flow is cut (an open one answers every one). */
const SILENCE_MS = 3 * INTERVAL_MS;
/** The promise: cut within 1 s of the agent applying the removal. */
const CUT_DEADLINE_MS = 1_000 + SILENCE_MS;

describe.runIf(enabled).each([
  { backend: "iptables", label: "ci" },
  { backend: "nftables", label: "cn" },
])("with the $backend agent, revoked access ends open connections", ({ backend, label }) => {
  let lab: NetnsLab;
  let test: PlaneUnderTest;
  let admin: Api;
  let stateDir: string;
  let agent: ChildProcess | null = null;
  let agentLog = "";
  let serverId: string;
  let tenantId: string;
  const talkers: Talker[] = [];
  /** The colleague's calls, started in the first story and expected to live through both. */
  let colleagueCalls: Talker[] = [];

  const untilApplied = async () => {
    const { revision } = await test.db.prisma.server.findUniqueOrThrow({ where: { id: serverId }, select: { revision: true } });
    await vi.waitFor(async () => expect((await admin.fleet.server.query({ serverId })).appliedRevision, `the agent reports revision ${revision}`).toBe(revision), 30_000);
  };
  const allowSip = (source: string) => admin.entries.add.mutate({ source, services: ["sip"], scope: { kind: "SERVER", serverId } });
  /** UDP and TCP to SIP, over IPv4 and IPv6, from one host. */
  const phoneCalls = async (from: string): Promise<Talker[]> => {
    const pbx = lab.host("pbx");
    const started = await Promise.all(
      (["udp", "tcp"] as const).flatMap((kind) => [pbx.ipv4, pbx.ipv6].map((address) => startTalker(lab, from, kind, address, SIP, { intervalMs: INTERVAL_MS }))),
    );
    talkers.push(...started);
    return started;
  };
  const answersOf = (group: Talker[]) => group.map((talker) => talker.answers);
  /** Every flow of `group` goes silent within the deadline, and stays silent. */
  const untilCut = async (group: Talker[], since: number) => {
    await vi.waitFor(() => expect(group.every((talker) => talker.silentFor(SILENCE_MS)), "the revoked phone's flows are cut").toBe(true), CUT_DEADLINE_MS);
    const lastAnswer = Math.max(...group.map((talker) => talker.lastAnswerAt ?? since));
    console.info(`[${backend}] removal -> last echo of the cut flows: ${lastAnswer - since} ms (cut within one ${INTERVAL_MS} ms keep-alive after that)`);
    const answered = answersOf(group);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(answersOf(group), "a cut flow must stay cut").toEqual(answered);
  };
  /** Every flow of `group` keeps being answered. */
  const untilStillTalking = async (group: Talker[]) => {
    const before = answersOf(group);
    await vi.waitFor(() => expect(group.every((talker, i) => talker.answers >= before[i]! + 3 && !talker.closed), "the colleague's flows keep being answered").toBe(true), 5_000);
  };
  const flowsCutAudited = async () =>
    (await test.db.prisma.auditEvent.findMany({ where: { targetId: serverId, action: "agent.flows_cut" } })).map((event) => (event.after as { flowsCut: number }).flowsCut);

  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: ["pbx", "phone", "colleague"] });
    await lab.echoUdp("pbx", [SIP]);
    await lab.echoTcp("pbx", [SIP]);
    test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
      env: { ALLOW_DOCUMENTATION_ADDRESSES: "true" },
      travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } },
      extensions: [agentHubExtension({ heartbeatIntervalMs: 2000 }), travelersExtension()],
    });
    admin = test.admin;
    const tenant = await admin.tenants.create.mutate({ name: `Cut ${backend}` });
    tenantId = tenant.id;
    const created = await admin.servers.create.mutate({ tenantId, name: "pbx-cut", primaryAdminSource: "203.0.113.10" });
    serverId = created.server.id;
    stateDir = await mkdtemp(join(tmpdir(), "gatehouse-cut-"));
    const enrolled = await runAgentCommand(["--state-dir", stateDir, "enroll", "--url", test.plane.url, "--token", created.enrollment.token]);
    expect(enrolled, enrolled.output).toMatchObject({ code: 0 });
    const colleague = lab.host("colleague");
    await allowSip(colleague.ipv4);
    await allowSip(colleague.ipv6);
    // prettier-ignore
    agent = spawn(process.execPath, [
      AGENT_BIN, "--state-dir", stateDir, "run", "--backend", backend, "--netns", lab.host("pbx").netns,
      "--drift-interval-seconds", "5", "--heartbeat-timeout-seconds", "6", "--backoff-base-ms", "200", "--backoff-cap-ms", "1000",
    ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_LOG_LEVEL: "info" } });
    agent.stdout?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    agent.stderr?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    await untilApplied();
  });

  afterAll(async () => {
    await Promise.all(talkers.map((talker) => talker.stop()));
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    await lab?.destroy();
    await test?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
    if (process.env.AGENT_E2E_LOG) console.log(agentLog);
  });

  it("removing a phone's entry cuts its open UDP and TCP flows; a colleague's flows and the agent's link stay", async () => {
    const phone = lab.host("phone");
    const entries = [await allowSip(phone.ipv4), await allowSip(phone.ipv6)];
    await untilApplied();
    const calls = await phoneCalls("phone");
    colleagueCalls = await phoneCalls("colleague");

    const removedAt = Date.now();
    for (const entry of entries) await admin.entries.remove.mutate({ entryId: entry.id });
    await untilApplied();
    await untilCut(calls, removedAt);
    await untilStillTalking(colleagueCalls);
    // One removal per family: two applies, two flows (UDP and TCP) cut by each.
    await vi.waitFor(async () => expect((await flowsCutAudited()).reduce((sum, count) => sum + count, 0), "the cut flows are reported").toBeGreaterThanOrEqual(calls.length), 10_000);
    expect(agentLog).toContain("the new ruleset cut the open connections of sources that lost access");

    expect((await admin.fleet.server.query({ serverId })).online).toBe(true);
    await allowSip(phone.ipv4);
    await untilApplied();
    const again = await startTalker(lab, "phone", "udp", lab.host("pbx").ipv4, SIP, { intervalMs: INTERVAL_MS });
    talkers.push(again);
    expect(again.answers).toBeGreaterThan(0);
  });

  it("a traveler grant that expires cuts the traveler's open flows", async () => {
    for (const { id } of (await admin.entries.list.query({ serverId, source: lab.host("phone").ipv4 })).entries) await admin.entries.remove.mutate({ entryId: id });
    const { traveler } = await admin.travelers.create.mutate({ tenantId, name: "Ann Road", email: "ann@road.example", scopeServerIds: [serverId], services: ["sip"], grantLifetimeHours: 1 });
    const phone = lab.host("phone");
    await admin.travelers.grant.mutate({ travelerId: traveler.id, address: phone.ipv4 });
    await admin.travelers.grant.mutate({ travelerId: traveler.id, address: phone.ipv6 });
    await untilApplied();
    const calls = await phoneCalls("phone");

    test.clock.advance(61 * 60 * 1000);
    const expiredAt = Date.now();
    expect(await test.plane.sweeper.sweepNow()).toBeGreaterThan(0);
    await untilApplied();
    await untilCut(calls, expiredAt);
    await untilStillTalking(colleagueCalls);
    expect((await admin.fleet.server.query({ serverId })).online).toBe(true);
  });
});
