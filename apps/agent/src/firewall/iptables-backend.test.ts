// The iptables + ipset backend against real packets: a PBX namespace, a traveler and a stranger.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandRunner } from "./command-runner.ts";
import { IptablesBackend } from "./iptables-backend.ts";
import { BOTH, LAB_HOSTS, NEITHER, SIP_PORT, SSH_PORT, SabotagingRunner, addressesOf, pbxState, reaches, withOtherRules } from "./netns-fixture.ts";

const enabled = requireCapability("netns", netnsCapability(["iptables", "ip6tables", "ipset", "iptables-legacy"]));

describe.runIf(enabled)("the iptables backend keeps a PBX closed to all but its allowlist", () => {
  let lab: NetnsLab;
  let runner: SabotagingRunner;
  let backend: IptablesBackend;
  let traveler: string[];
  let stranger: string[];
  let fullHash: string;
  const inPbx = (command: string, ...args: string[]) => lab.exec("pbx", command, args);

  beforeAll(async () => {
    lab = await NetnsLab.create({ label: "ipt", hosts: LAB_HOSTS });
    await lab.listenTcp("pbx", [SIP_PORT, SSH_PORT]);
    runner = new SabotagingRunner({ netns: lab.host("pbx").netns });
    backend = new IptablesBackend({ runner });
    traveler = addressesOf(lab, "traveler");
    stranger = addressesOf(lab, "stranger");
  });
  afterAll(async () => lab?.destroy());

  it("lets an allowed traveler reach SIP over IPv4 and IPv6, and gives a stranger no answer", async () => {
    const summary = await backend.apply(pbxState(traveler));
    expect(summary).toMatchObject({ backend: "iptables", mode: "full" });
    expect(summary.setSizes).toMatchObject({ "gh4-sip": 2, "gh6-sip": 1 });
    fullHash = summary.rulesetHash;
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await reaches(lab, "traveler", SSH_PORT)).toEqual(NEITHER);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
  });

  it("opens for a new grant with a set delta, and closes again when the grant goes", async () => {
    expect((await backend.apply(pbxState([...traveler, ...stranger]))).mode).toBe("delta");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);

    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
  });

  it("reports the same ruleset hash after a round of deltas as after loading the list whole", async () => {
    await backend.apply(pbxState([...traveler, ...stranger]));
    const back = await backend.apply(pbxState(traveler));
    expect(back.mode).toBe("delta");
    expect(back.rulesetHash).toBe(fullHash);
  });

  it("replaces everything, not just members, when the rules change too", async () => {
    expect((await backend.apply(withOtherRules(pbxState([...traveler, ...stranger])))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  it("does not list the filter tables again for a delta right after it saw them", async () => {
    const listings: string[] = [];
    runner.sabotage = (command, options) => {
      if (command === "iptables" || command === "ip6tables") listings.push(command);
      return options;
    };
    expect((await backend.apply(pbxState([...traveler, ...stranger]))).mode).toBe("delta");
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    runner.sabotage = null;
    expect(listings).toEqual([]);
  });

  it("finds a flushed chain on a delta once it no longer trusts what it saw, and replaces everything", async () => {
    const wary = new IptablesBackend({ runner, chainsTrustedForMs: 0 });
    expect((await wary.apply(pbxState(traveler))).mode).toBe("full");
    expect((await wary.apply(pbxState([...traveler, ...stranger]))).mode).toBe("delta");
    await inPbx("iptables", "-F", "GATEHOUSE");
    expect((await wary.apply(pbxState(traveler))).mode).toBe("full");
    expect(await wary.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    // The suite's backend last applied this same state; its members still match the live sets.
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
  });

  it("replaces everything when a set delta fails, and goes on with deltas after", async () => {
    runner.sabotage = (command, options) => (command === "ipset" && /^(add|del) /.test(options.input ?? "") ? "fail" : options);
    expect((await backend.apply(pbxState([...traveler, ...stranger]))).mode).toBe("full");
    runner.sabotage = null;
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  it("restores the previous members when a failed delta is followed by a full apply that fails half-way", async () => {
    let ip6Failed = false;
    runner.sabotage = (command, options) => {
      if (command === "ipset" && /^(add|del) /.test(options.input ?? "")) return "fail";
      if (command !== "ip6tables-restore" || ip6Failed) return options;
      ip6Failed = true;
      return "fail";
    };
    await expect(backend.apply(pbxState([...traveler, ...stranger]))).rejects.toThrow(/sabotaged: ip6tables-restore/);
    runner.sabotage = null;
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
  });

  it("does not build a delta on sets someone changed by hand: the next apply replaces them", async () => {
    await inPbx("ipset", "add", "gh4-sip", stranger[0]!);
    expect((await backend.verify(pbxState(traveler))).problems).toEqual([`set gh4-sip differs: 1 unexpected (${stranger[0]})`]);
    // One more grant would be a delta, but the live set is not what the delta would start from.
    expect((await backend.apply(pbxState([...traveler, "203.0.113.77"]))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
  });

  it("reports a flushed chain and repairs it with a full apply", async () => {
    await inPbx("iptables", "-F", "GATEHOUSE");
    await inPbx("ip6tables", "-F", "GATEHOUSE");
    const report = await backend.verify(pbxState(traveler));
    expect(report.intact).toBe(false);
    expect(report.problems).toContain("chain GATEHOUSE (IPv4) has no rules (flushed)");
    expect(report.problems).toContain("chain GATEHOUSE (IPv6) has no rules (flushed)");

    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  it("reports a deleted jump and puts it back", async () => {
    await inPbx("iptables", "-D", "INPUT", "-j", "GATEHOUSE");
    expect((await backend.verify(pbxState(traveler))).problems).toEqual(["jump to GATEHOUSE is missing from INPUT (IPv4)"]);
    await backend.apply(pbxState(traveler));
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  it("keeps its jump first when another tool (fail2ban) inserts a ban above it", async () => {
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
  });

  it("reports a member someone deleted from a set and restores it", async () => {
    await inPbx("ipset", "del", "gh4-sip", traveler[0]!);
    expect((await backend.verify(pbxState(traveler))).problems).toEqual([`set gh4-sip differs: 1 missing (${traveler[0]})`]);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
  });

  it("leaves the previous ruleset enforced when an apply fails half-way", async () => {
    // The sets and the IPv4 chain are replaced, then the IPv6 load fails: everything is rolled back.
    let failed = false;
    runner.sabotage = (command, options) => {
      if (command !== "ip6tables-restore" || failed) return options;
      failed = true;
      return "fail";
    };
    await expect(backend.apply(withOtherRules(pbxState(stranger)))).rejects.toThrow(/sabotaged: ip6tables-restore/);
    runner.sabotage = null;

    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
  });

  it("leaves every live set untouched when loading the sets fails", async () => {
    runner.sabotage = (command, options) =>
      command === "ipset" && options.input?.includes("swap") ? { input: options.input.replace(/^swap .*$/m, "add gh4-sip.new not-an-address") } : options;
    await expect(backend.apply(withOtherRules(pbxState(stranger)))).rejects.toThrow(/ipset restore failed/);
    runner.sabotage = null;

    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
  });

  it("applies two changes that arrive together one after the other", async () => {
    const summaries = await Promise.all([backend.apply(withOtherRules(pbxState(stranger))), backend.apply(pbxState(traveler))]);
    expect(summaries.map((summary) => summary.mode)).toEqual(["full", "full"]);
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  it("removes its chains and sets on uninstall, and only those", async () => {
    await backend.uninstall();
    expect((await inPbx("iptables", "-S")).stdout).not.toContain("GATEHOUSE");
    expect((await inPbx("ip6tables", "-S")).stdout).not.toContain("GATEHOUSE");
    expect((await inPbx("ipset", "list", "-n")).stdout.trim()).toBe("");
    expect((await inPbx("iptables", "-S", "INPUT")).stdout).toContain(`-A INPUT -s ${traveler[0]}/32 -j DROP`);
  });
});

describe.runIf(enabled)("the iptables backend on a host with iptables-legacy", () => {
  let lab: NetnsLab;
  let binDir: string;

  beforeAll(async () => {
    lab = await NetnsLab.create({ label: "legacy", hosts: LAB_HOSTS });
    await lab.listenTcp("pbx", [SIP_PORT]);
    // The backend calls whatever `iptables-restore` is first on PATH; here, the legacy one.
    binDir = mkdtempSync(join(tmpdir(), "gh-legacy-"));
    for (const tool of ["iptables", "ip6tables", "iptables-restore", "ip6tables-restore"]) {
      symlinkSync(`/usr/sbin/${tool.replace(/(-restore)?$/, "-legacy$1")}`, join(binDir, tool));
    }
  });
  afterAll(async () => {
    await lab?.destroy();
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  it("enforces, verifies and removes the same way", async () => {
    const env = { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ""}` };
    const backend = new IptablesBackend({ runner: new CommandRunner({ netns: lab.host("pbx").netns, env }) });
    const state = pbxState(addressesOf(lab, "traveler"));
    await backend.apply(state);
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect((await lab.exec("pbx", "iptables-legacy", ["-S", "GATEHOUSE"])).stdout).toContain("--match-set gh4-sip src");
    expect(await backend.verify(state)).toEqual({ intact: true, problems: [] });
    await backend.uninstall();
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
  });
});
