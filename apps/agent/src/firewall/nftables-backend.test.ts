// The nftables backend against real packets: a PBX namespace, a traveler and a stranger.
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOTH, LAB_HOSTS, NEITHER, SIP_PORT, SSH_PORT, SabotagingRunner, addressesOf, pbxState, reaches, withOtherRules } from "./netns-fixture.ts";
import { NftablesBackend } from "./nftables-backend.ts";

const enabled = requireCapability("netns", netnsCapability(["nft"]));

describe.runIf(enabled)("the nftables backend keeps a PBX closed to all but its allowlist", () => {
  let lab: NetnsLab;
  let runner: SabotagingRunner;
  let backend: NftablesBackend;
  let traveler: string[];
  let stranger: string[];
  let fullHash: string;
  const inPbx = (command: string, ...args: string[]) => lab.exec("pbx", command, args);

  beforeAll(async () => {
    lab = await NetnsLab.create({ label: "nft", hosts: LAB_HOSTS });
    await lab.listenTcp("pbx", [SIP_PORT, SSH_PORT]);
    runner = new SabotagingRunner({ netns: lab.host("pbx").netns });
    backend = new NftablesBackend({ runner });
    traveler = addressesOf(lab, "traveler");
    stranger = addressesOf(lab, "stranger");
  });
  afterAll(async () => lab?.destroy());

  it("lets an allowed traveler reach SIP over IPv4 and IPv6, and gives a stranger no answer", async () => {
    const summary = await backend.apply(pbxState(traveler));
    expect(summary).toMatchObject({ backend: "nftables", mode: "full" });
    expect(summary.setSizes).toMatchObject({ "gh4-sip": 1, "gh4-sip.net": 1, "gh6-sip": 1 });
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

  it("replaces the table, not just members, when the rules change too", async () => {
    expect((await backend.apply(withOtherRules(pbxState([...traveler, ...stranger])))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  it("does not build a delta on sets someone changed by hand: the next apply replaces the table", async () => {
    await inPbx("nft", "add", "element", "inet", "gatehouse", "gh4-sip", `{ ${stranger[0]} }`);
    expect((await backend.verify(pbxState(traveler))).problems).toEqual([`set gh4-sip differs: 1 unexpected (${stranger[0]})`]);
    expect((await backend.apply(pbxState([...traveler, "203.0.113.77"]))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
  });

  it("replaces the table when a delta cannot apply because a member already vanished", async () => {
    await inPbx("nft", "delete", "element", "inet", "gatehouse", "gh4-sip", `{ ${traveler[0]} }`);
    // Removing the traveler again: the delta's delete fails, so the whole table is replaced.
    expect((await backend.apply(pbxState([traveler[1]!]))).mode).toBe("full");
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual({ ipv4: false, ipv6: true });
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
  });

  it("reports `nft flush ruleset` and repairs it", async () => {
    await inPbx("nft", "flush", "ruleset");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: false, problems: ["table inet gatehouse is missing"] });

    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
  });

  it("reports a flushed chain or a foreign rule in it, and repairs both", async () => {
    await inPbx("nft", "flush", "chain", "inet", "gatehouse", "input");
    expect((await backend.verify(pbxState(traveler))).problems).toEqual(["chain input of table inet gatehouse has no rules (flushed)"]);
    await backend.apply(pbxState(traveler));

    await inPbx("nft", "insert", "rule", "inet", "gatehouse", "input", "tcp", "dport", "22", "accept");
    expect((await backend.verify(pbxState(traveler))).problems).toEqual([
      expect.stringMatching(/^rules in chain input of table inet gatehouse differ .* 1 not written by Gatehouse$/),
    ]);
    await backend.apply(pbxState(traveler));
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
    expect(await reaches(lab, "traveler", SSH_PORT)).toEqual(NEITHER);
  });

  it("leaves the previous table enforced when nft rejects a ruleset at its last line", async () => {
    runner.sabotage = (command, options) =>
      command === "nft" && options.input ? { input: `${options.input}add element inet gatehouse gh4-sip { 192.0.2.300 }\n` } : options;
    await expect(backend.apply(withOtherRules(pbxState(stranger)))).rejects.toThrow(/nft -f - failed/);
    runner.sabotage = null;

    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: true, problems: [] });
  });

  it("removes its table on uninstall and leaves other tables alone", async () => {
    await inPbx("nft", "add", "table", "inet", "f2b-table");
    await backend.uninstall();
    const tables = (await inPbx("nft", "list", "tables")).stdout;
    expect(tables).not.toContain("gatehouse");
    expect(tables).toContain("table inet f2b-table");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
  });
});
