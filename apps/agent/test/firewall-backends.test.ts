// The iptables + ipset and the nftables backend against real packets, the same stories for both
// (backend-cases.ts says what differs): a PBX namespace, a traveler and a stranger. The stories
// run in order on one PBX, each starting from what the one before left enforced.
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKEND_CASES, type BackendStage } from "./backend-cases.ts";
import { BOTH, LAB_HOSTS, NEITHER, SIP_PORT, SSH_PORT, SabotagingRunner, addressesOf, pbxState, reaches, withOtherRules } from "./netns-fixture.ts";

const INTACT = { intact: true, problems: [] };
const enabled = Object.fromEntries(BACKEND_CASES.map((c) => [c.name, requireCapability("netns", netnsCapability(c.tools))]));

describe.each(BACKEND_CASES)("the $name backend keeps a PBX closed to all but its allowlist", (backendCase) => {
  let stage: BackendStage;
  let fullHash: string;

  beforeAll(async () => {
    if (!enabled[backendCase.name]) return;
    const lab = await NetnsLab.create({ label: backendCase.name === "iptables" ? "ipt" : "nft", hosts: LAB_HOSTS });
    await lab.listenTcp("pbx", [SIP_PORT, SSH_PORT]);
    const runner = new SabotagingRunner({ netns: lab.host("pbx").netns });
    const inPbx = (command: string, ...args: string[]) => lab.exec("pbx", command, args);
    stage = { lab, runner, backend: backendCase.create(runner), traveler: addressesOf(lab, "traveler"), stranger: addressesOf(lab, "stranger"), inPbx };
  });
  afterAll(async () => stage?.lab.destroy());

  const story = (title: string, run: (stage: BackendStage) => Promise<void>) => it.runIf(enabled[backendCase.name])(title, () => run(stage));

  story("lets an allowed traveler reach SIP over IPv4 and IPv6, and gives a stranger no answer", async ({ backend, traveler, lab }) => {
    const summary = await backend.apply(pbxState(traveler));
    expect(summary).toMatchObject({ backend: backendCase.name, mode: "full" });
    expect(summary.setSizes).toMatchObject(backendCase.setSizes);
    fullHash = summary.rulesetHash;
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await reaches(lab, "traveler", SSH_PORT)).toEqual(NEITHER);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
  });

  story("opens for a new grant with a set delta, and closes again when the grant goes", async ({ backend, traveler, stranger, lab }) => {
    expect((await backend.apply(pbxState([...traveler, ...stranger]))).mode).toBe("delta");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
  });

  story("reports the same ruleset hash after a round of deltas as after loading the list whole", async ({ backend, traveler, stranger }) => {
    await backend.apply(pbxState([...traveler, ...stranger]));
    const back = await backend.apply(pbxState(traveler));
    expect(back.mode).toBe("delta");
    expect(back.rulesetHash).toBe(fullHash);
  });

  story("replaces everything, not just members, when the rules change too", async ({ backend, traveler, stranger, lab }) => {
    expect((await backend.apply(withOtherRules(pbxState([...traveler, ...stranger])))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  story("does not read the live rules back for a delta right after it applied them", async ({ runner, backend, traveler, stranger }) => {
    const readBacks: string[] = [];
    runner.sabotage = (command, options, args) => {
      if (backendCase.readsRulesBack(command, args)) readBacks.push(`${command} ${args.join(" ")}`);
      return options;
    };
    expect((await backend.apply(pbxState([...traveler, ...stranger]))).mode).toBe("delta");
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    runner.sabotage = null;
    expect(readBacks).toEqual([]);
  });

  story("replaces everything when a set delta fails, and goes on with deltas after", async ({ runner, backend, traveler, stranger, lab }) => {
    runner.sabotage = (command, options) => (backendCase.loadsDelta(command, options) ? "fail" : options);
    expect((await backend.apply(pbxState([...traveler, ...stranger]))).mode).toBe("full");
    runner.sabotage = null;
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(BOTH);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  story("does not build a delta on sets someone changed by hand: the next apply replaces them", async (stage) => {
    const { backend, traveler, stranger, lab } = stage;
    await backendCase.addToSipSet(stage, stranger[0]!);
    expect((await backend.verify(pbxState(traveler))).problems).toEqual([`set gh4-sip differs: 1 unexpected (${stranger[0]})`]);
    // One more grant would be a delta, but the live set is not what the delta would start from.
    expect((await backend.apply(pbxState([...traveler, "203.0.113.77"]))).mode).toBe("full");
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("delta");
    expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
  });

  story("reports a member someone deleted from a set and restores it", async (stage) => {
    const { backend, traveler, lab } = stage;
    await backendCase.deleteFromSipSet(stage, traveler[0]!);
    expect((await backend.verify(pbxState(traveler))).problems).toEqual([`set gh4-sip differs: 1 missing (${traveler[0]})`]);
    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
  });

  story("reports a flushed chain and repairs it with a full apply", async (stage) => {
    const { backend, traveler, lab } = stage;
    await backendCase.flushChain(stage);
    expect(await backend.verify(pbxState(traveler))).toEqual({ intact: false, problems: backendCase.flushedProblems });
    expect((await backend.apply(pbxState(traveler))).mode).toBe("full");
    expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  story("leaves the previous ruleset enforced when an apply fails half-way", async ({ runner, backend, traveler, stranger, lab }) => {
    runner.sabotage = backendCase.failFullApply();
    await expect(backend.apply(withOtherRules(pbxState(stranger)))).rejects.toThrow(backendCase.fullApplyFailure);
    runner.sabotage = null;
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
  });

  story("applies two changes that arrive together one after the other", async ({ backend, traveler, stranger, lab }) => {
    const summaries = await Promise.all([backend.apply(withOtherRules(pbxState(stranger))), backend.apply(pbxState(traveler))]);
    expect(summaries.map((summary) => summary.mode)).toEqual(["full", "full"]);
    expect(await backend.verify(pbxState(traveler))).toEqual(INTACT);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
  });

  for (const [title, run] of backendCase.stories) story(title, run);

  story("removes its own chains, sets and table on uninstall, and nothing else", async (stage) => {
    await backendCase.addForeign(stage);
    await stage.backend.uninstall();
    await backendCase.expectOwnGoneForeignKept(stage);
    expect(await reaches(stage.lab, "stranger", SIP_PORT)).toEqual(BOTH);
  });
});
