// Commit-confirm on real packets during link trouble: the real `gatehouse-agent` process drives
// iptables+ipset or nftables in a "pbx" namespace for a FakeHub whose link drops the agent's
// reports (as when its larger segments are dropped: nothing stored, nothing acked, the stream
// stuck until the connection is replaced). An operator's removal
// made then is kept; an addition made then is taken back, without the removed source coming
// back with it; after three rollbacks the addition is held, and the next confirmed contact
// applies it. SIP (TCP 5060) probed over IPv4 and IPv6; namespaces created here, deleted after.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import type { DesiredState } from "@gatehouse/core";
import { loadAppliedRecord } from "../src/state/applied-record.ts";
import { saveAgentConfig, statePaths, type StatePaths } from "../src/state/state-dir.ts";
import { loadAgentStatus } from "../src/state/status-file.ts";
import { AGENT_BIN } from "./agent-process.ts";
import { SERVER_ID } from "./agent-fixture.ts";
import { FakeHub } from "./fake-hub.ts";

const enabled = requireCapability("commit-confirm e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));
const SIP = 5060;
const BOTH = { ipv4: true, ipv6: true };
const NEITHER = { ipv4: false, ipv6: false };

function state(sources: string[]): DesiredState {
  return {
    serverId: SERVER_ID,
    policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: SIP, to: SIP }, { protocol: "tcp", from: SIP, to: SIP }] }],
    entries: sources.map((source) => ({ source, kind: "ip" as const, services: ["sip"] })),
  };
}

describe.runIf(enabled).each([
  { backend: "iptables", label: "ki" },
  { backend: "nftables", label: "kn" },
])("a PBX kept by the $backend agent while its control plane cannot confirm", ({ backend, label }) => {
  let lab: NetnsLab;
  let hub: FakeHub;
  let paths: StatePaths;
  let agent: ChildProcess | null = null;
  let agentLog = "";
  const both = (host: string) => [lab.host(host).ipv4, lab.host(host).ipv6];
  const reachesSip = async (from: string) => {
    const pbx = lab.host("pbx");
    const [ipv4, ipv6] = await Promise.all([lab.canConnect(from, pbx.ipv4, SIP), lab.canConnect(from, pbx.ipv6, SIP)]);
    return { ipv4, ipv6 };
  };
  const until = async (from: string, expected: { ipv4: boolean; ipv6: boolean }) => {
    await vi.waitFor(async () => expect(JSON.stringify(await reachesSip(from)), `${from} reaches SIP ${JSON.stringify(expected)}`).toBe(JSON.stringify(expected)), 30_000);
  };
  const onDiskAllows = async (host: string) => {
    const record = await loadAppliedRecord(paths.applied);
    return both(host).some((address) => record?.state.entries.some((entry) => entry.source === address));
  };

  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: ["pbx", "traveler", "stranger", "colleague"] });
    await lab.listenTcp("pbx", [SIP]);
    hub = new FakeHub(state([...both("traveler"), ...both("stranger")]));
    await hub.start();
    paths = statePaths(await mkdtemp(join(tmpdir(), "gatehouse-confirm-e2e-")));
    await saveAgentConfig(paths, { url: hub.url, serverId: SERVER_ID, credential: hub.credential });
    const args = ["run", "--backend", backend, "--netns", lab.host("pbx").netns, "--commit-confirm-seconds", "1", "--drift-interval-seconds", "1", "--backoff-base-ms", "100", "--backoff-cap-ms", "300"];
    agent = spawn(process.execPath, [AGENT_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_STATE_DIR: paths.dir, GATEHOUSE_LOG_LEVEL: "info" } });
    agent.stdout?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    agent.stderr?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    await hub?.stop();
    await lab?.destroy();
    if (paths) await rm(paths.dir, { recursive: true, force: true });
    if (process.env.AGENT_E2E_LOG) console.log(agentLog);
  });

  it("enforces the confirmed allowlist", async () => {
    await until("stranger", BOTH);
    await until("traveler", BOTH);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is confirmed on disk").toBe(1), 10_000);
    // Its report is in before the link goes bad: a report dropped from here on stalls the stream.
    await vi.waitFor(() => expect(hub.reports.some((report) => report.appliedRevision === 1), "the control plane holds the report of revision 1").toBe(true), 10_000);
  });

  it("an operator's removal made while no ack comes back is kept, on the firewall and on disk", async () => {
    hub.dropReports = true;
    hub.publish(state(both("traveler")));
    await until("stranger", NEITHER);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "the removal is what a reboot restores").toBe(2), 10_000);
    expect(await onDiskAllows("stranger")).toBe(false);
    expect((await loadAgentStatus(paths.status))?.awaitingConfirmSince).toBeNull();
    expect(await reachesSip("traveler")).toEqual(BOTH);
    hub.dropConnections(); // the stuck connection is replaced; reports still do not get through
  });

  it("an addition on the same bad link is taken back, and the removed source does not come back with the rollback", async () => {
    hub.publish(state([...both("traveler"), ...both("colleague")]));
    await until("colleague", BOTH);
    expect(await onDiskAllows("colleague")).toBe(false);
    await until("colleague", NEITHER);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    expect(await reachesSip("traveler")).toEqual(BOTH);
    expect(agentLog).toContain("took back the access it added");
  });

  it("after three rollbacks the addition is held; the removed source stays out all along", async () => {
    await vi.waitFor(async () => expect((await loadAgentStatus(paths.status))?.heldRevision, "revision 3 is held").toBe(3), 30_000);
    expect(await reachesSip("colleague")).toEqual(NEITHER);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    expect(await onDiskAllows("stranger")).toBe(false);
    expect(agentLog).toContain("holding it until the control plane confirms contact");
  });

  it("the next confirmed contact clears the hold and the addition is applied and kept", async () => {
    hub.dropReports = false;
    hub.dropConnections();
    await until("colleague", BOTH);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 3 is confirmed on disk").toBe(3), 30_000);
    expect(await onDiskAllows("colleague")).toBe(true);
    expect((await loadAgentStatus(paths.status))?.heldRevision).toBeNull();
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    // Each rollback reached the control plane once (and so is audited once).
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.rollbacksToReport.length, "every rollback is acknowledged").toBe(0), 10_000);
    const rollbacks = hub.reports.filter((report) => report.rolledBack !== undefined);
    expect(rollbacks.map((report) => report.rolledBack?.fromRevision)).toEqual([3, 3, 3]);
  });
});
