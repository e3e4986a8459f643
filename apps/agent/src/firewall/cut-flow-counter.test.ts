// Counting the flows an apply cut, in a real connection-tracking table: flows are created with
// `conntrack -I` in a namespace whose own address (192.0.2.1) lies inside the revoked network, as
// when an entry for the PBX's own subnet is removed. Only flows the revoked sources started toward
// the lost ports count; this host's own outbound flows (the agent's link to the control plane) and
// a still-allowed host's flows do not, and no entry is deleted.
import { revokedFlows, type ResolvedState } from "@gatehouse/core";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandRunner } from "./command-runner.ts";
import { ConntrackCutFlowCounter } from "./cut-flow-counter.ts";

const enabled = requireCapability("netns", netnsCapability(["conntrack"]));

const state = (allow: ResolvedState["allow"]): ResolvedState => ({
  policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: [] },
  services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: 5060, to: 5060 }, { protocol: "tcp", from: 5060, to: 5060 }] }],
  allow,
});

/** `conntrack -I` arguments for a UDP flow from `source:sport` to `destination:dport`. */
function udpFlow(source: string, sport: number, destination: string, dport: number): string[] {
  // prettier-ignore
  return ["-I", "-p", "udp", "-s", source, "-d", destination, "--sport", String(sport), "--dport", String(dport),
    "-r", destination, "-q", source, "--reply-port-src", String(dport), "--reply-port-dst", String(sport), "-t", "120"];
}

describe.runIf(enabled)("counting the flows an apply cut in a real conntrack table", () => {
  let lab: NetnsLab;
  let counter: ConntrackCutFlowCounter;
  const entries = async () => (await new CommandRunner({ netns: lab.host("pbx").netns }).run("conntrack", ["-L", "-p", "udp"])).stdout.trim().split("\n").length;

  beforeAll(async () => {
    lab = await NetnsLab.create({ label: "cnt", hosts: ["pbx"] });
    const runner = new CommandRunner({ netns: lab.host("pbx").netns });
    counter = new ConntrackCutFlowCounter(runner);
    await runner.run("conntrack", udpFlow("192.0.2.7", 40000, "192.0.2.1", 5060));
    await runner.run("conntrack", udpFlow("192.0.2.8", 40000, "192.0.2.1", 5060));
    await runner.run("conntrack", udpFlow("192.0.2.7", 40001, "192.0.2.1", 5070));
    await runner.run("conntrack", udpFlow("192.0.2.1", 5060, "192.0.2.9", 5060));
  });
  afterAll(async () => lab?.destroy());

  it("counts the revoked sources' flows to the lost ports, never this host's own or a still-allowed host's", async () => {
    const stillAllowed = state([{ address: "192.0.2.8", services: ["sip"] }]);
    expect(await counter.count(revokedFlows(state([{ address: "192.0.2.0/24", services: ["sip"] }]), stillAllowed))).toEqual({ cut: 1, warning: null });
    expect(await counter.count(revokedFlows(state([{ address: "192.0.2.0/24", services: ["all"] }]), stillAllowed))).toEqual({ cut: 2, warning: null });
    expect(await counter.count([])).toEqual({ cut: 0, warning: null });
    expect(await entries()).toBe(4);
  });
});
