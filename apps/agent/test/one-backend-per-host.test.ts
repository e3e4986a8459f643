// One Gatehouse ruleset per host, on real packets: the real `gatehouse-agent` process drives
// iptables+ipset or nftables in a "pbx" namespace (--netns) for a FakeHub, and SIP (TCP 5060) is
// probed over IPv4 and IPv6. A boot runs the systemd unit's own steps with the operator's flags;
// uninstall removes both backends' Gatehouse objects and nothing else; and it refuses while the
// agent runs. Documentation addresses only; the namespaces are created here and deleted after.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import type { DesiredState } from "@gatehouse/core";
import { loadAppliedRecord } from "../src/state/applied-record.ts";
import { saveAgentConfig, statePaths, type StatePaths } from "../src/state/state-dir.ts";
import { AGENT_BIN } from "./agent-process.ts";
import { SERVER_ID } from "./agent-fixture.ts";
import { FakeHub } from "./fake-hub.ts";

const enabled = requireCapability("one backend per host e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));
const SIP = 5060;
const BOTH = { ipv4: true, ipv6: true };
const NEITHER = { ipv4: false, ipv6: false };
const UNIT = new URL("../../../infra/systemd/gatehouse-agent.service", import.meta.url);

type Backend = "iptables" | "nftables";

function state(sources: string[]): DesiredState {
  return {
    serverId: SERVER_ID,
    policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: SIP, to: SIP }, { protocol: "tcp", from: SIP, to: SIP }] }],
    entries: sources.map((source) => ({ source, kind: "ip" as const, services: ["sip"] })),
  };
}

/** The unit's ExecStartPre/ExecStart steps, each with $GATEHOUSE_AGENT_ARGS put in as systemd does. */
async function unitSteps(args: string[]): Promise<string[][]> {
  const lines = (await readFile(UNIT, "utf8")).split("\n").filter((line) => /^Exec(StartPre|Start)=/.test(line));
  return lines.map((line) => line.replace(/^[^=]+=-?\S*gatehouse-agent /, "").split(" ").flatMap((word) => (word === "$GATEHOUSE_AGENT_ARGS" ? args : [word])));
}

describe.runIf(enabled).each([
  { backend: "iptables", other: "nftables", label: "bi" },
  { backend: "nftables", other: "iptables", label: "bn" },
] as const)("a PBX whose agent is told --backend $backend", ({ backend, other, label }) => {
  let lab: NetnsLab;
  let hub: FakeHub;
  let paths: StatePaths;
  let agent: ChildProcess | null = null;
  let agentLog = "";
  const pbx = () => lab.host("pbx");
  const flags = (chosen: Backend) => ["--backend", chosen, "--netns", pbx().netns, "--drift-interval-seconds", "1", "--backoff-base-ms", "100", "--backoff-cap-ms", "500"];

  const agentProcess = (args: string[]) =>
    spawn(process.execPath, [AGENT_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_STATE_DIR: paths.dir, GATEHOUSE_LOG_LEVEL: "info" } });
  const runToEnd = (args: string[]) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = agentProcess(args);
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("exit", (code) => resolve({ code, output }));
    });
  const startRun = (args: string[]) => {
    agent = agentProcess(args);
    agent.stdout?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    agent.stderr?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
  };
  const stopRun = async () => {
    const running = agent;
    agent = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  };
  /** Boots as systemd does: restore and check-config to completion, then run. */
  const boot = async (args: string[], afterRestore: () => Promise<void> = async () => {}) => {
    const [restore, checkConfig, run] = await unitSteps(args);
    const restored = await runToEnd(restore!);
    expect(restored, restored.output).toMatchObject({ code: 0 });
    await afterRestore();
    const checked = await runToEnd(checkConfig!);
    expect(checked, checked.output).toMatchObject({ code: 0 });
    startRun(run!);
    return restored.output;
  };

  const succeeds = (command: string, args: string[]) => lab.exec("pbx", command, args).then(() => true, () => false);
  /** Which backends have Gatehouse objects live in the PBX's namespace. */
  const rulesetsLive = async (): Promise<Backend[]> => {
    const nft = await succeeds("nft", ["list", "table", "inet", "gatehouse"]);
    const chains = (await succeeds("iptables", ["-S", "GATEHOUSE"])) || (await succeeds("ip6tables", ["-S", "GATEHOUSE"]));
    const sets = (await lab.exec("pbx", "ipset", ["list", "-n"])).stdout.split("\n").some((name) => /^gh[46]-/.test(name) && name !== "gh4-x" && name !== "gh6-x");
    return [...(chains || sets ? (["iptables"] as const) : []), ...(nft ? (["nftables"] as const) : [])];
  };
  const reachesSip = async (from: string) => {
    const [ipv4, ipv6] = await Promise.all([lab.canConnect(from, pbx().ipv4, SIP), lab.canConnect(from, pbx().ipv6, SIP)]);
    return { ipv4, ipv6 };
  };
  const until = async (from: string, expected: { ipv4: boolean; ipv6: boolean }) => {
    await vi.waitFor(async () => expect(JSON.stringify(await reachesSip(from)), `${from} reaches SIP ${JSON.stringify(expected)}`).toBe(JSON.stringify(expected)), 30_000);
  };
  /** A reboot: the kernel's firewall starts empty. */
  const reboot = async () => {
    await lab.exec("pbx", "nft", ["flush", "ruleset"]);
    await lab.exec("pbx", "ipset", ["destroy"]);
  };
  const forgetRecordedBackend = async () => {
    const record = JSON.parse(await readFile(paths.applied, "utf8")) as Record<string, unknown>;
    delete record.backend;
    await writeFile(paths.applied, JSON.stringify(record));
  };

  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: ["pbx", "traveler", "stranger"] });
    await lab.listenTcp("pbx", [SIP]);
  });

  beforeEach(async () => {
    hub = new FakeHub(state([lab.host("traveler").ipv4, lab.host("traveler").ipv6]));
    await hub.start();
    paths = statePaths(await mkdtemp(join(tmpdir(), "gatehouse-one-backend-")));
    await saveAgentConfig(paths, { url: hub.url, serverId: SERVER_ID, credential: hub.credential });
    agentLog = "";
    await reboot();
  });

  afterEach(async () => {
    await stopRun();
    await hub.stop();
    await rm(paths.dir, { recursive: true, force: true });
    if (process.env.AGENT_E2E_LOG) console.log(agentLog);
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it("a boot with the unit's own steps leaves exactly one ruleset, the chosen one, from restore on", async () => {
    await boot(flags(backend));
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.backend, "the applied state records the backend").toBe(backend), 10_000);
    await stopRun();
    await reboot();
    await boot(flags(backend), async () => expect(await rulesetsLive()).toEqual([backend]));
    await hub.until(() => hub.connections >= 2);
    expect(await rulesetsLive()).toEqual([backend]);
    await until("traveler", BOTH);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    // A newly allowed source is let in: no stale second ruleset drops it.
    hub.publish(state([lab.host("traveler").ipv4, lab.host("traveler").ipv6, lab.host("stranger").ipv4, lab.host("stranger").ipv6]));
    await until("stranger", BOTH);
    expect(await rulesetsLive()).toEqual([backend]);
  });

  it("a record from an older agent (no backend in it) is detected at restore, and the log says so", async () => {
    await boot(flags(backend));
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is on disk").toBe(1), 10_000);
    await stopRun();
    await forgetRecordedBackend();
    const restored = await runToEnd(["restore", "--netns", pbx().netns]);
    expect(restored, restored.output).toMatchObject({ code: 0 });
    expect(restored.output).toContain("no backend recorded for this host yet");
    expect((await loadAppliedRecord(paths.applied))?.backend).not.toBeNull();
  });

  it(`an explicit --backend ${backend} replaces a recorded ${other}: the ${other} rules go once ${backend} enforces`, async () => {
    await boot(flags(other));
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.backend, `the record names ${other}`).toBe(other), 10_000);
    await stopRun();
    startRun(["run", ...flags(backend)]);
    await vi.waitFor(async () => expect(JSON.stringify(await rulesetsLive()), `only ${backend} is live`).toBe(JSON.stringify([backend])), 30_000);
    await until("traveler", BOTH);
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.backend, `the record names ${backend}`).toBe(backend), 10_000);
    expect(agentLog).toContain("switched backend");
  });

  it("uninstall removes both backends' Gatehouse objects and leaves the operator's own gh4-x set and nft table alone", async () => {
    // Two rulesets live, as an older agent's boot left them.
    startRun(["run", ...flags("iptables")]);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is on disk").toBe(1), 10_000);
    await stopRun();
    await forgetRecordedBackend();
    expect((await runToEnd(["restore", ...flags("nftables")])).code).toBe(0);
    expect(await rulesetsLive()).toEqual(["iptables", "nftables"]);
    await lab.exec("pbx", "ipset", ["create", "gh4-x", "hash:ip"]);
    await lab.exec("pbx", "ipset", ["add", "gh4-x", "198.51.100.99"]);
    await lab.exec("pbx", "ipset", ["create", "gh6-x", "hash:ip", "family", "inet6"]);
    await lab.exec("pbx", "nft", ["add", "table", "inet", "operator"]);
    const uninstalled = await runToEnd(["uninstall", "--netns", pbx().netns]);
    expect(uninstalled, uninstalled.output).toMatchObject({ code: 0 });
    expect(await rulesetsLive()).toEqual([]);
    expect((await lab.exec("pbx", "ipset", ["list", "-n"])).stdout.split("\n").filter(Boolean).sort()).toEqual(["gh4-x", "gh6-x"]);
    expect((await lab.exec("pbx", "ipset", ["list", "gh4-x"])).stdout).toContain("198.51.100.99");
    expect(await succeeds("nft", ["list", "table", "inet", "operator"])).toBe(true);
    await until("stranger", BOTH);
    await lab.exec("pbx", "nft", ["delete", "table", "inet", "operator"]);
  });

  it("uninstall while the agent runs is refused: the rules, the state on disk and the next boot stay protected", async () => {
    startRun(["run", ...flags(backend)]);
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await until("traveler", BOTH);
    const refused = await runToEnd(["uninstall", "--netns", pbx().netns]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("the agent is running");
    expect(await rulesetsLive()).toEqual([backend]);
    expect(await loadAppliedRecord(paths.applied)).not.toBeNull();
    expect(await reachesSip("stranger")).toEqual(NEITHER);
    await stopRun();
    expect((await runToEnd(["uninstall", "--netns", pbx().netns])).code).toBe(0);
    expect(await rulesetsLive()).toEqual([]);
  });
});
