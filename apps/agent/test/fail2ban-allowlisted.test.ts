// On a Gatehouse host only allowlisted sources reach a service at all, so when fail2ban bans, it
// bans one of them (an office behind one NAT address with one misconfigured phone). Allowed must
// stay allowed, with a real fail2ban (Debian's package) watching a log in the "pbx" namespace:
// - with Gatehouse's ignorecommand (infra/fail2ban/jail.d/gatehouse.conf), on both backends and
//   with iptables' and nftables' ban actions, fail2ban asks `gatehouse-agent allows <ip>` and
//   never bans the allowlisted traveler, while a stranger who trips the filter is still banned;
// - without it, on the iptables backend, the agent's jump stays first in INPUT (the watcher moves
//   it back above the jump fail2ban inserts), so the traveler keeps SIP even when banned.
// Documentation addresses only; fail2ban runs from a private copy of its configuration.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
import { NftablesBackend } from "../src/firewall/nftables-backend.ts";
import { AGENT_BIN } from "./agent-process.ts";
import { TestDnsServer } from "./dns-server.ts";
import { FakeHub } from "./fake-hub.ts";
import { SERVER_ID, hubAt, makeAgent, tempStateDir, type AgentUnderTest } from "./agent-fixture.ts";

const enabled = requireCapability("fail2ban e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft", "fail2ban-server", "fail2ban-client"]));
const SIP = 5060;
const SNIPPET = new URL("../../../infra/fail2ban/jail.d/gatehouse.conf", import.meta.url);

function sipState(sources: string[]): DesiredState {
  return {
    serverId: SERVER_ID,
    policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "tcp", from: SIP, to: SIP }] }],
    entries: sources.map((source) => ({ source, kind: "ip" as const, services: ["sip"] })),
  };
}

interface Jail {
  backend: "iptables" | "nftables";
  banaction: "iptables-multiport" | "nftables-multiport";
  /** Install Gatehouse's fail2ban snippet (its ignorecommand). */
  snippet: boolean;
}

/** A PBX namespace with the agent enforcing SIP for the traveler only, and fail2ban watching sip.log. */
class Fail2banLab {
  lab!: NetnsLab;
  dir!: string;
  private hub!: FakeHub;
  private dns!: TestDnsServer;
  private agent!: AgentUnderTest;
  private cleanupState!: () => Promise<void>;
  private fail2ban: ChildProcess | undefined;

  constructor(private readonly jail: Jail) {}

  client(...args: string[]) {
    return this.lab.exec("pbx", "fail2ban-client", ["-c", join(this.dir, "conf"), "-s", join(this.dir, "f2b.sock"), ...args]);
  }

  async reaches(from: string) {
    const pbx = this.lab.host("pbx");
    return { ipv4: await this.lab.canConnect(from, pbx.ipv4, SIP), ipv6: await this.lab.canConnect(from, pbx.ipv6, SIP) };
  }

  /** Writes the lines a PBX logs when `host` fails to authenticate, from both its addresses. */
  async authFailuresFrom(host: string): Promise<void> {
    const { ipv4, ipv6 } = this.lab.host(host);
    await appendFile(join(this.dir, "sip.log"), `auth failure from ${ipv4}\nauth failure from ${ipv6}\n`);
  }

  async bannedList(): Promise<string> {
    return (await this.client("status", "gatehouse-sip")).stdout;
  }

  fail2banLog(): Promise<string> {
    return readFile(join(this.dir, "f2b.log"), "utf8");
  }

  async start(): Promise<void> {
    this.lab = await NetnsLab.create({ label: `f2b${this.jail.backend[0]}${this.jail.banaction[0]}`, hosts: ["pbx", "traveler", "stranger"] });
    await this.lab.listenTcp("pbx", [SIP]);
    this.dir = await mkdtemp(join(tmpdir(), "gatehouse-f2b-"));
    const traveler = this.lab.host("traveler");
    this.dns = new TestDnsServer();
    await this.dns.start();
    this.hub = new FakeHub(sipState([traveler.ipv4, traveler.ipv6]));
    await this.hub.start();
    const state = await tempStateDir();
    this.cleanupState = state.cleanup;
    const runner = new CommandRunner({ netns: this.lab.host("pbx").netns });
    const logger = pino({ level: process.env.AGENT_TEST_LOG ?? "silent" });
    this.agent = await makeAgent(state.paths, hubAt(this.hub), this.dns, {
      backend: this.jail.backend === "iptables" ? new IptablesBackend({ runner }) : new NftablesBackend({ runner }),
      changeWatcher: new NetfilterWatcher({ runner, backend: this.jail.backend, logger }),
      driftIntervalMs: 600_000,
      logger,
    });
    await this.agent.runtime.start();
    await this.hub.reportWhere((report) => report.appliedRevision === 1);
    await this.startFail2ban(state.paths.dir);
  }

  private async startFail2ban(stateDir: string): Promise<void> {
    const conf = join(this.dir, "conf");
    await cp("/etc/fail2ban", conf, { recursive: true });
    await writeFile(join(conf, "jail.d", "defaults-debian.conf"), "[sshd]\nenabled = false\n");
    if (this.jail.snippet) {
      // The shipped snippet, calling this checkout's agent on this test's state directory.
      const snippet = await readFile(SNIPPET, "utf8");
      await writeFile(join(conf, "jail.d", "gatehouse.conf"), snippet.replace("/usr/local/bin/gatehouse-agent", `${process.execPath} ${AGENT_BIN} --state-dir ${stateDir}`));
    }
    await writeFile(join(conf, "fail2ban.local"), "[Definition]\ndbfile = :memory:\n");
    await writeFile(join(conf, "filter.d", "gatehouse-sip.conf"), "[Definition]\nfailregex = ^auth failure from <HOST>$\nignoreregex =\ndatepattern = {NONE}\n");
    await writeFile(join(this.dir, "sip.log"), "");
    const jail = ["[gatehouse-sip]", "enabled = true", "filter = gatehouse-sip", `logpath = ${join(this.dir, "sip.log")}`, "backend = polling"];
    jail.push("maxretry = 1", "findtime = 600", "bantime = 600", "port = 5060", "protocol = tcp", `banaction = ${this.jail.banaction}`, "");
    await writeFile(join(conf, "jail.local"), jail.join("\n"));
    const args = ["-f", "-x", "-c", conf, "-s", join(this.dir, "f2b.sock"), "-p", join(this.dir, "f2b.pid"), "--logtarget", join(this.dir, "f2b.log")];
    this.fail2ban = spawn("ip", ["netns", "exec", this.lab.host("pbx").netns, "fail2ban-server", ...args], { stdio: "ignore" });
    await vi.waitFor(() => this.client("ping"), 20_000);
  }

  async stop(): Promise<void> {
    this.fail2ban?.kill("SIGKILL");
    await this.agent?.runtime.stop();
    await this.hub?.stop();
    await this.dns?.stop();
    await this.cleanupState?.();
    await this.lab?.destroy();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

const WITH_SNIPPET: Jail[] = [
  { backend: "iptables", banaction: "iptables-multiport", snippet: true },
  { backend: "iptables", banaction: "nftables-multiport", snippet: true },
  { backend: "nftables", banaction: "iptables-multiport", snippet: true },
  { backend: "nftables", banaction: "nftables-multiport", snippet: true },
];

describe.runIf(enabled).each(WITH_SNIPPET)("with Gatehouse's ignorecommand, fail2ban ($banaction) on the $backend backend", (jail) => {
  const f2b = new Fail2banLab(jail);
  beforeAll(() => f2b.start(), 60_000);
  afterAll(() => f2b.stop());

  it("refuses to ban the allowlisted traveler, who keeps SIP, and still bans a stranger", async () => {
    const traveler = f2b.lab.host("traveler");
    const stranger = f2b.lab.host("stranger");
    expect(await f2b.reaches("traveler")).toEqual({ ipv4: true, ipv6: true });
    await f2b.authFailuresFrom("traveler");
    await f2b.authFailuresFrom("stranger");
    // fail2ban reads the log in order: once the stranger's lines are banned, the traveler's were judged.
    await vi.waitFor(async () => {
      const banned = await f2b.bannedList();
      expect(banned, "fail2ban bans the stranger").toContain(stranger.ipv4);
      expect(banned, "fail2ban bans the stranger").toContain(stranger.ipv6);
    }, 30_000);
    expect(await f2b.bannedList()).not.toContain(traveler.ipv4);
    expect(await f2b.bannedList()).not.toContain(traveler.ipv6);
    const log = await f2b.fail2banLog();
    expect(log).toContain(`[gatehouse-sip] Ignore ${traveler.ipv4} by command`);
    expect(log).toContain(`[gatehouse-sip] Ignore ${traveler.ipv6} by command`);
    expect(log).not.toContain(`Ignore ${stranger.ipv4}`);
    // fail2ban lists a ban before its action has run.
    const bans = () => (jail.banaction === "iptables-multiport" ? f2b.lab.exec("pbx", "iptables", ["-S"]) : f2b.lab.exec("pbx", "nft", ["list", "table", "inet", "f2b-table"]));
    await vi.waitFor(async () => expect((await bans()).stdout, "the stranger's ban is in the firewall").toContain(stranger.ipv4), 10_000);
    expect(await f2b.reaches("traveler")).toEqual({ ipv4: true, ipv6: true });
    expect(await f2b.reaches("stranger")).toEqual({ ipv4: false, ipv6: false });
  });
});

describe.runIf(enabled)("without the ignorecommand, a real fail2ban banning an allowlisted source, with the iptables backend", () => {
  const f2b = new Fail2banLab({ backend: "iptables", banaction: "iptables-multiport", snippet: false });
  beforeAll(() => f2b.start(), 60_000);
  afterAll(() => f2b.stop());

  it("keeps SIP open to the allowlisted traveler after fail2ban bans it", async () => {
    expect(await f2b.reaches("traveler")).toEqual({ ipv4: true, ipv6: true });
    const traveler = f2b.lab.host("traveler");
    await appendFile(join(f2b.dir, "sip.log"), `auth failure from ${traveler.ipv4}\n`);
    await vi.waitFor(async () => expect(await f2b.bannedList(), "fail2ban bans the traveler").toContain(traveler.ipv4), 20_000);
    // The ban is real: fail2ban's chain drops the traveler (its action runs after the ban is
    // listed), and its jump went in at the top of INPUT.
    const rules = async () => (await f2b.lab.exec("pbx", "iptables", ["-S"])).stdout;
    await vi.waitFor(async () => expect(await rules()).toContain(`-A f2b-gatehouse-sip -s ${traveler.ipv4}/32 -j REJECT`), 10_000);
    await vi.waitFor(async () => expect((await f2b.lab.exec("pbx", "iptables", ["-S", "INPUT"])).stdout.split("\n")[1], "our jump is first in INPUT again").toBe("-A INPUT -j GATEHOUSE"), 10_000);
    expect(await f2b.reaches("traveler")).toEqual({ ipv4: true, ipv6: true });
    expect(await f2b.reaches("stranger")).toEqual({ ipv4: false, ipv6: false });
  });
});
