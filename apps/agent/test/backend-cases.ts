// The iptables + ipset and the nftables backend as the rows of one table, for the stories in
// firewall-backends.test.ts: how each is built, what it calls its sets, how someone tampers with
// it by hand, how a full apply of it fails half-way, and the stories only it has (iptables' chains
// and jumps and iptables-legacy; nft's one table).
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { expect } from "vitest";
import type { FirewallBackend } from "../src/firewall/backend.ts";
import { CommandRunner, type RunOptions } from "../src/firewall/command-runner.ts";
import { IptablesBackend } from "../src/firewall/iptables-backend.ts";
import { NftablesBackend } from "../src/firewall/nftables-backend.ts";
import { BOTH, LAB_HOSTS, NEITHER, SIP_PORT, SSH_PORT, addressesOf, pbxState, reaches, withOtherRules, type SabotagingRunner } from "./netns-fixture.ts";

/** What a story has at hand: a PBX lab, the backend under test and its runner, two pairs of addresses. */
export interface BackendStage {
  lab: NetnsLab;
  runner: SabotagingRunner;
  backend: FirewallBackend;
  traveler: string[];
  stranger: string[];
  inPbx: (command: string, ...args: string[]) => Promise<{ stdout: string }>;
}

type Sabotage = NonNullable<SabotagingRunner["sabotage"]>;
type Story = [title: string, story: (stage: BackendStage) => Promise<void>];

export interface BackendCase {
  name: "iptables" | "nftables";
  /** Tools the stories need in the namespaces. */
  tools: string[];
  create: (runner: CommandRunner) => FirewallBackend;
  /** The set sizes of pbxState(traveler). */
  setSizes: Record<string, number>;
  /** Puts an address into the live SIP set by hand, or takes one out. */
  addToSipSet: (stage: BackendStage, address: string) => Promise<unknown>;
  deleteFromSipSet: (stage: BackendStage, address: string) => Promise<unknown>;
  /** Whether a command reads the live rules back. */
  readsRulesBack: (command: string, args: readonly string[]) => boolean;
  /** Whether a command loads a delta's batch. */
  loadsDelta: (command: string, options: RunOptions) => boolean;
  /** Flushes the backend's input chain by hand; what verify() then says. */
  flushChain: (stage: BackendStage) => Promise<void>;
  flushedProblems: string[];
  /** Makes the next full apply fail after part of it ran; what the error then says. */
  failFullApply: () => Sabotage;
  fullApplyFailure: RegExp;
  /** Someone else's objects, which uninstall must leave alone: added before it, checked after. */
  addForeign: (stage: BackendStage) => Promise<void>;
  expectOwnGoneForeignKept: (stage: BackendStage) => Promise<void>;
  /** Stories only this backend has, on the same PBX, after the shared ones. */
  stories: Story[];
}

const INTACT = { intact: true, problems: [] };
const isIpsetDelta = (command: string, options: RunOptions) => command === "ipset" && /^(add|del) /.test(options.input ?? "");

const iptablesStories: Story[] = [
  [
    "finds a flushed chain on a delta once it no longer trusts what it saw, and replaces everything",
    async ({ runner, backend, traveler, stranger, inPbx, lab }) => {
      const wary = new IptablesBackend({ runner, chainsTrustedForMs: 0 });
      expect((await wary.apply(pbxState(traveler))).mode).toBe("full");
      expect((await wary.apply(pbxState([...traveler, ...stranger]))).mode).toBe("delta");
      await inPbx("iptables", "-F", "GATEHOUSE");
      expect((await wary.apply(pbxState(traveler))).mode).toBe("full");
      expect(await wary.verify(pbxState(traveler))).toEqual(INTACT);
      expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
      // The suite's backend last applied this same state; its members still match the live sets.
      expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    },
  ],
  [
    "restores the previous members when a failed delta is followed by a full apply that fails half-way",
    async ({ runner, backend, traveler, stranger, lab }) => {
      let ip6Failed = false;
      runner.sabotage = (command, options) => {
        if (isIpsetDelta(command, options)) return "fail";
        if (command !== "ip6tables-restore" || ip6Failed) return options;
        ip6Failed = true;
        return "fail";
      };
      await expect(backend.apply(pbxState([...traveler, ...stranger]))).rejects.toThrow(/sabotaged: ip6tables-restore/);
      runner.sabotage = null;
      expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
      expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
      expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
      expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    },
  ],
  [
    "reports a deleted jump and puts it back",
    async ({ backend, traveler, inPbx, lab }) => {
      await inPbx("iptables", "-D", "INPUT", "-j", "GATEHOUSE");
      expect((await backend.verify(pbxState(traveler))).problems).toEqual(["jump to GATEHOUSE is missing from INPUT (IPv4)"]);
      await backend.apply(pbxState(traveler));
      expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
      expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    },
  ],
  [
    "keeps its jump first when another tool (fail2ban) inserts a ban above it",
    async ({ backend, traveler, inPbx, lab }) => {
      const [travelerV4, travelerV6] = traveler as [string, string];
      await inPbx("iptables", "-I", "INPUT", "1", "-s", travelerV4, "-j", "DROP");
      await inPbx("ip6tables", "-I", "INPUT", "1", "-s", travelerV6, "-j", "DROP");
      expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(NEITHER);
      expect((await backend.verify(pbxState(traveler))).problems).toEqual([
        "jump to GATEHOUSE is not first in INPUT (IPv4)",
        "jump to GATEHOUSE is not first in INPUT (IPv6)",
      ]);
      await backend.apply(pbxState(traveler));
      expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
      const input = (await inPbx("iptables", "-S", "INPUT")).stdout.split("\n").filter((line) => line.startsWith("-A"));
      expect(input).toEqual(["-A INPUT -j GATEHOUSE", `-A INPUT -s ${travelerV4}/32 -j DROP`]);
    },
  ],
  [
    "leaves every live set untouched when loading the sets fails",
    async ({ runner, backend, traveler, stranger, lab }) => {
      runner.sabotage = (command, options) =>
        command === "ipset" && options.input?.includes("swap") ? { input: options.input.replace(/^swap .*$/m, "add gh4-sip.new not-an-address") } : options;
      await expect(backend.apply(withOtherRules(pbxState(stranger)))).rejects.toThrow(/ipset restore failed/);
      runner.sabotage = null;
      expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
      expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
    },
  ],
  [
    "enforces, verifies and removes the same way on a host with iptables-legacy",
    async () => {
      const lab = await NetnsLab.create({ label: "legacy", hosts: LAB_HOSTS });
      // The backend calls whatever `iptables-restore` is first on PATH; here, the legacy one.
      const binDir = mkdtempSync(join(tmpdir(), "gh-legacy-"));
      try {
        await lab.listenTcp("pbx", [SIP_PORT]);
        for (const tool of ["iptables", "ip6tables", "iptables-restore", "ip6tables-restore"]) {
          symlinkSync(`/usr/sbin/${tool.replace(/(-restore)?$/, "-legacy$1")}`, join(binDir, tool));
        }
        const env = { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ""}` };
        const legacy = new IptablesBackend({ runner: new CommandRunner({ netns: lab.host("pbx").netns, env }) });
        const state = pbxState(addressesOf(lab, "traveler"));
        await legacy.apply(state);
        expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
        expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
        expect((await lab.exec("pbx", "iptables-legacy", ["-S", "GATEHOUSE"])).stdout).toContain("--match-set gh4-sip src");
        expect(await legacy.verify(state)).toEqual(INTACT);
        await legacy.uninstall();
        expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
      } finally {
        await lab.destroy();
        rmSync(binDir, { recursive: true, force: true });
      }
    },
  ],
];

const nftStories: Story[] = [
  [
    "replaces the table when a delta cannot apply because a member already vanished",
    async ({ backend, traveler, inPbx, lab }) => {
      await inPbx("nft", "delete", "element", "inet", "gatehouse", "gh4-sip", `{ ${traveler[0]} }`);
      // Removing the traveler again: the delta's delete fails, so the whole table is replaced.
      expect((await backend.apply(pbxState([traveler[1]!]))).mode).toBe("full");
      expect(await reaches(lab, "traveler", SIP_PORT)).toEqual({ ipv4: false, ipv6: true });
      expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    },
  ],
  [
    "reports `nft flush ruleset` and repairs it",
    async ({ backend, traveler, inPbx, lab }) => {
      await inPbx("nft", "flush", "ruleset");
      expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
      expect(await backend.verify(pbxState(traveler))).toEqual({ intact: false, problems: ["table inet gatehouse is missing"] });
      expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
      expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
      expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
      expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    },
  ],
  [
    "reports a foreign rule in its chain and repairs it",
    async ({ backend, traveler, inPbx, lab }) => {
      await inPbx("nft", "insert", "rule", "inet", "gatehouse", "input", "tcp", "dport", "22", "accept");
      expect((await backend.verify(pbxState(traveler))).problems).toEqual([
        expect.stringMatching(/^rules in chain input of table inet gatehouse differ .* 1 not written by Gatehouse$/),
      ]);
      await backend.apply(pbxState(traveler));
      expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
      expect(await reaches(lab, "traveler", SSH_PORT)).toEqual(NEITHER);
    },
  ],
];

export const BACKEND_CASES: BackendCase[] = [
  {
    name: "iptables",
    tools: ["iptables", "ip6tables", "ipset", "iptables-legacy"],
    create: (runner) => new IptablesBackend({ runner }),
    setSizes: { "gh4-sip": 2, "gh6-sip": 1 },
    addToSipSet: ({ inPbx }, address) => inPbx("ipset", "add", "gh4-sip", address),
    deleteFromSipSet: ({ inPbx }, address) => inPbx("ipset", "del", "gh4-sip", address),
    readsRulesBack: (command) => command === "iptables" || command === "ip6tables",
    loadsDelta: isIpsetDelta,
    flushChain: async ({ inPbx }) => {
      await inPbx("iptables", "-F", "GATEHOUSE");
      await inPbx("ip6tables", "-F", "GATEHOUSE");
    },
    flushedProblems: ["chain GATEHOUSE (IPv4) has no rules (flushed)", "chain GATEHOUSE (IPv6) has no rules (flushed)"],
    failFullApply: () => {
      // The sets and the IPv4 chain are replaced, then the IPv6 load fails: everything is rolled back.
      let failed = false;
      return (command, options) => {
        if (command !== "ip6tables-restore" || failed) return options;
        failed = true;
        return "fail";
      };
    },
    fullApplyFailure: /sabotaged: ip6tables-restore/,
    addForeign: async ({ inPbx }) => {
      await inPbx("iptables", "-A", "INPUT", "-s", "203.0.113.99", "-j", "DROP");
    },
    expectOwnGoneForeignKept: async ({ inPbx }) => {
      expect((await inPbx("iptables", "-S")).stdout).not.toContain("GATEHOUSE");
      expect((await inPbx("ip6tables", "-S")).stdout).not.toContain("GATEHOUSE");
      expect((await inPbx("ipset", "list", "-n")).stdout.trim()).toBe("");
      expect((await inPbx("iptables", "-S", "INPUT")).stdout).toContain("-A INPUT -s 203.0.113.99/32 -j DROP");
    },
    stories: iptablesStories,
  },
  {
    name: "nftables",
    tools: ["nft"],
    create: (runner) => new NftablesBackend({ runner }),
    setSizes: { "gh4-sip": 1, "gh4-sip.net": 1, "gh6-sip": 1 },
    addToSipSet: ({ inPbx }, address) => inPbx("nft", "add", "element", "inet", "gatehouse", "gh4-sip", `{ ${address} }`),
    deleteFromSipSet: ({ inPbx }, address) => inPbx("nft", "delete", "element", "inet", "gatehouse", "gh4-sip", `{ ${address} }`),
    readsRulesBack: (command, args) => command === "nft" && args.includes("list"),
    loadsDelta: (command, options) => command === "nft" && /^(add|delete) element /.test(options.input ?? ""),
    flushChain: async ({ inPbx }) => {
      await inPbx("nft", "flush", "chain", "inet", "gatehouse", "input");
    },
    flushedProblems: ["chain input of table inet gatehouse has no rules (flushed)"],
    // nft refuses the whole transaction at its last line: nothing of it is applied.
    failFullApply: () => (command, options) => (command === "nft" && options.input ? { input: `${options.input}add element inet gatehouse gh4-sip { 192.0.2.300 }\n` } : options),
    fullApplyFailure: /nft -f - failed/,
    addForeign: async ({ inPbx }) => {
      await inPbx("nft", "add", "table", "inet", "f2b-table");
    },
    expectOwnGoneForeignKept: async ({ inPbx }) => {
      const tables = (await inPbx("nft", "list", "tables")).stdout;
      expect(tables).not.toContain("gatehouse");
      expect(tables).toContain("table inet f2b-table");
    },
    stories: nftStories,
  },
];
