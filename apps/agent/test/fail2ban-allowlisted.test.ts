// On a Gatehouse host only allowlisted sources reach a service at all, so when fail2ban bans, it
// bans one of them (an office behind one NAT address with one misconfigured phone). Allowed must
// stay allowed: a real fail2ban (Debian's package, its default iptables-multiport action) watches
// a log in the "pbx" namespace and bans the allowlisted traveler; the agent's jump stays first in
// INPUT (the watcher moves it back above the jump fail2ban inserts), so the traveler keeps SIP.
// Documentation addresses only; fail2ban runs from a private copy of its configuration.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFile, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DesiredState } from "@gatehouse/core";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { CommandRunner } from "../src/firewall/command-runner.ts";
import { IptablesBackend } from "../src/firewall/iptables-backend.ts";
import { NetfilterWatcher } from "../src/firewall/netfilter-watcher.ts";
import { TestDnsServer } from "./dns-server.ts";
import { FakeHub } from "./fake-hub.ts";
import { SERVER_ID, hubAt, makeAgent, tempStateDir, type AgentUnderTest } from "./agent-fixture.ts";

const enabled = requireCapability("fail2ban e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft", "fail2ban-server", "fail2ban-client"]));
const SIP = 5060;

function sipState(sources: string[]): DesiredState {
  return {
    serverId: SERVER_ID,
    policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "tcp", from: SIP, to: SIP }] }],
    entries: sources.map((source) => ({ source, kind: "ip" as const, services: ["sip"] })),
  };
}

describe.runIf(enabled)("a real fail2ban banning an allowlisted source, with the iptables backend", () => {
  let lab: NetnsLab;
  let hub: FakeHub;
  let dns: TestDnsServer;
  let cleanup: () => Promise<void>;
  let agent: AgentUnderTest;
  let fail2ban: ChildProcess;
  let dir: string;
  const client = (...args: string[]) => lab.exec("pbx", "fail2ban-client", ["-c", join(dir, "conf"), "-s", join(dir, "f2b.sock"), ...args]);
  const reaches = async (from: string) => {
    const pbx = lab.host("pbx");
    return { ipv4: await lab.canConnect(from, pbx.ipv4, SIP), ipv6: await lab.canConnect(from, pbx.ipv6, SIP) };
  };

  async function startFail2ban(): Promise<void> {
    const conf = join(dir, "conf");
    await cp("/etc/fail2ban", conf, { recursive: true });
    await writeFile(join(conf, "jail.d", "defaults-debian.conf"), "[sshd]\nenabled = false\n");
    await writeFile(join(conf, "fail2ban.local"), "[Definition]\ndbfile = :memory:\n");
    await writeFile(join(conf, "filter.d", "gatehouse-sip.conf"), "[Definition]\nfailregex = ^auth failure from <HOST>$\nignoreregex =\ndatepattern = {NONE}\n");
    await writeFile(join(dir, "sip.log"), "");
    await writeFile(
      join(conf, "jail.local"),
      [
        "[gatehouse-sip]",
        "enabled = true",
        "filter = gatehouse-sip",
        `logpath = ${join(dir, "sip.log")}`,
        "backend = polling",
        "maxretry = 1",
        "findtime = 600",
        "bantime = 600",
        "port = 5060",
        "protocol = tcp",
        "banaction = iptables-multiport",
        "",
      ].join("\n"),
    );
    const args = ["-f", "-x", "-c", conf, "-s", join(dir, "f2b.sock"), "-p", join(dir, "f2b.pid"), "--logtarget", join(dir, "f2b.log")];
    fail2ban = spawn("ip", ["netns", "exec", lab.host("pbx").netns, "fail2ban-server", ...args], { stdio: "ignore" });
    await vi.waitFor(() => client("ping"), 20_000);
  }

  beforeAll(async () => {
    lab = await NetnsLab.create({ label: "f2b", hosts: ["pbx", "traveler", "stranger"] });
    await lab.listenTcp("pbx", [SIP]);
    dir = await mkdtemp(join(tmpdir(), "gatehouse-f2b-"));
    const traveler = lab.host("traveler");
    dns = new TestDnsServer();
    await dns.start();
    hub = new FakeHub(sipState([traveler.ipv4, traveler.ipv6]));
    await hub.start();
    const state = await tempStateDir();
    cleanup = state.cleanup;
    const runner = new CommandRunner({ netns: lab.host("pbx").netns });
    const logger = pino({ level: process.env.AGENT_TEST_LOG ?? "silent" });
    agent = await makeAgent(state.paths, hubAt(hub), dns, {
      backend: new IptablesBackend({ runner }),
      changeWatcher: new NetfilterWatcher({ runner, backend: "iptables", logger }),
      driftIntervalMs: 600_000,
      logger,
    });
    await agent.runtime.start();
    await hub.reportWhere((report) => report.appliedRevision === 1);
    await startFail2ban();
  }, 60_000);

  afterAll(async () => {
    fail2ban?.kill("SIGKILL");
    await agent?.runtime.stop();
    await hub?.stop();
    await dns?.stop();
    await cleanup?.();
    await lab?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keeps SIP open to the allowlisted traveler after fail2ban bans it", async () => {
    expect(await reaches("traveler")).toEqual({ ipv4: true, ipv6: true });
    const traveler = lab.host("traveler");
    await appendFile(join(dir, "sip.log"), `auth failure from ${traveler.ipv4}\n`);
    await vi.waitFor(async () => expect((await client("status", "gatehouse-sip")).stdout, "fail2ban bans the traveler").toContain(traveler.ipv4), 20_000);
    // The ban is real: fail2ban's chain drops the traveler, and its jump went in at the top of INPUT.
    const rules = (await lab.exec("pbx", "iptables", ["-S"])).stdout;
    expect(rules).toContain(`-A f2b-gatehouse-sip -s ${traveler.ipv4}/32 -j REJECT`);
    await vi.waitFor(async () => expect((await lab.exec("pbx", "iptables", ["-S", "INPUT"])).stdout.split("\n")[1], "our jump is first in INPUT again").toBe("-A INPUT -j GATEHOUSE"), 10_000);
    expect(await reaches("traveler")).toEqual({ ipv4: true, ipv6: true });
    expect(await reaches("stranger")).toEqual({ ipv4: false, ipv6: false });
  });
});
