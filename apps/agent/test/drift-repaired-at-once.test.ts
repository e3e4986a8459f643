// A flush (`iptables -F`, `nft flush ruleset`, FreePBX's firewall module reloading) opens the
// server until the agent repairs it. The agent watches netfilter's change events (and polls what
// sends none, ipset), so the repair follows the change instead of the next periodic check: here
// the periodic check runs every 10 minutes, so only the watcher can have repaired anything.
// The real agent runtime with a real backend in a "pbx" namespace and a stand-in control plane;
// the open window is measured by bench/drift-open-window.bench.ts. Documentation addresses only.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import type { DesiredState } from "@gatehouse/core";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { CommandRunner } from "../src/firewall/command-runner.ts";
import { IptablesBackend } from "../src/firewall/iptables-backend.ts";
import { NetfilterWatcher } from "../src/firewall/netfilter-watcher.ts";
import { NftablesBackend } from "../src/firewall/nftables-backend.ts";
import { TestDnsServer } from "./dns-server.ts";
import { FakeHub } from "./fake-hub.ts";
import { SERVER_ID, hubAt, makeAgent, tempStateDir, type AgentUnderTest } from "./agent-fixture.ts";

const enabled = requireCapability("drift watch e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));
const SIP = 5060;
const TEN_MINUTES_MS = 600_000;

function sipState(sources: string[]): DesiredState {
  return {
    serverId: SERVER_ID,
    policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "tcp", from: SIP, to: SIP }] }],
    entries: sources.map((source) => ({ source, kind: "ip" as const, services: ["sip"] })),
  };
}

describe.runIf(enabled).each([
  { backend: "iptables", label: "wi" },
  { backend: "nftables", label: "wn" },
] as const)("with the $backend backend, a firewall changed by hand is repaired at once", ({ backend, label }) => {
  let lab: NetnsLab;
  let hub: FakeHub;
  let dns: TestDnsServer;
  let cleanup: () => Promise<void>;
  let agent: AgentUnderTest;
  const inPbx = (command: string, ...args: string[]) => lab.exec("pbx", command, args);
  const reaches = async (from: string) => {
    const pbx = lab.host("pbx");
    const [ipv4, ipv6] = await Promise.all([lab.canConnect(from, pbx.ipv4, SIP), lab.canConnect(from, pbx.ipv6, SIP)]);
    return { ipv4, ipv6 };
  };
  /** The stranger is shut out again and the traveler let in: what a repair looks like from outside. */
  const repaired = () =>
    vi.waitFor(async () => expect(JSON.stringify([await reaches("stranger"), await reaches("traveler")]), "the firewall is repaired").toBe(JSON.stringify([{ ipv4: false, ipv6: false }, { ipv4: true, ipv6: true }])), 15_000);
  const driftReports = () => hub.reports.filter((report) => report.drift !== undefined).length;

  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: ["pbx", "traveler", "stranger"] });
    await lab.listenTcp("pbx", [SIP]);
    const traveler = lab.host("traveler");
    dns = new TestDnsServer();
    await dns.start();
    hub = new FakeHub(sipState([traveler.ipv4, traveler.ipv6]));
    await hub.start();
    const dir = await tempStateDir();
    cleanup = dir.cleanup;
    const runner = new CommandRunner({ netns: lab.host("pbx").netns });
    const real = backend === "iptables" ? new IptablesBackend({ runner }) : new NftablesBackend({ runner });
    const logger = pino({ level: process.env.AGENT_TEST_LOG ?? "silent" });
    agent = await makeAgent(dir.paths, hubAt(hub), dns, {
      backend: real,
      changeWatcher: new NetfilterWatcher({ runner, backend, logger }),
      driftIntervalMs: TEN_MINUTES_MS,
      logger,
    });
    await agent.runtime.start();
    await hub.reportWhere((report) => report.appliedRevision === 1);
  });

  afterAll(async () => {
    await agent?.runtime.stop();
    await hub?.stop();
    await dns?.stop();
    await cleanup?.();
    await lab?.destroy();
  });

  it("lets the allowed traveler in and keeps the stranger out", async () => {
    expect(await reaches("traveler")).toEqual({ ipv4: true, ipv6: true });
    expect(await reaches("stranger")).toEqual({ ipv4: false, ipv6: false });
  });

  it("does not take its own applies for drift: a new state applied twice over leaves no drift report", async () => {
    const traveler = lab.host("traveler");
    hub.publish(sipState([traveler.ipv4, traveler.ipv6, "198.51.100.7"]));
    await hub.reportWhere((report) => report.appliedRevision === 2);
    hub.publish(sipState([traveler.ipv4, traveler.ipv6]));
    await hub.reportWhere((report) => report.appliedRevision === 3);
    // Long enough for a debounced event and a drift check (well under a second each).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(driftReports()).toBe(0);
  });

  const flushes =
    backend === "iptables"
      ? [
          { what: "iptables -F and ip6tables -F", commands: [["iptables", "-F"], ["ip6tables", "-F"]] },
          { what: "a ban inserted above our jump in INPUT", commands: [["iptables", "-I", "INPUT", "1", "-s", "192.0.2.2", "-j", "DROP"]] },
          { what: "an ipset member deleted", commands: [["ipset", "del", "gh4-sip", "192.0.2.2"]] },
          { what: "our chain flushed", commands: [["iptables", "-F", "GATEHOUSE"]] },
        ]
      : [
          { what: "nft flush ruleset", commands: [["nft", "flush", "ruleset"]] },
          { what: "table inet gatehouse deleted", commands: [["nft", "delete", "table", "inet", "gatehouse"]] },
          { what: "a set element deleted", commands: [["nft", "delete", "element", "inet", "gatehouse", "gh6-sip", "{ 2001:db8::2 }"]] },
        ];

  it.each(flushes)("repairs $what long before the periodic check, and reports the drift", async ({ commands }) => {
    const before = driftReports();
    for (const [command, ...args] of commands) await inPbx(command!, ...args);
    await repaired();
    await vi.waitFor(() => expect(driftReports(), "the drift is reported").toBeGreaterThan(before), 10_000);
  });
});
