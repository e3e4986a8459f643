// The flow cutter against a real connection-tracking table: flows are created with `conntrack -I`
// in a namespace whose own address (192.0.2.1) lies inside the revoked network, as when an entry
// for the PBX's own subnet is removed. Only flows the revoked sources started toward the lost
// ports go; this host's own outbound flows (the agent's link to the control plane) stay.
import { revokedFlows, type ResolvedState } from "@gatehouse/core";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandRunner } from "./command-runner.ts";
import { ConntrackFlowCutter } from "./flow-cutter.ts";

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

describe.runIf(enabled)("cutting revoked flows in a real conntrack table", () => {
  let lab: NetnsLab;
  let runner: CommandRunner;
  const listed = async () => (await runner.run("conntrack", ["-L", "-p", "udp"])).stdout;

  beforeAll(async () => {
    lab = await NetnsLab.create({ label: "cut", hosts: ["pbx"] });
    runner = new CommandRunner({ netns: lab.host("pbx").netns });
    await runner.run("conntrack", udpFlow("192.0.2.7", 40000, "192.0.2.1", 5060));
    await runner.run("conntrack", udpFlow("192.0.2.8", 40000, "192.0.2.1", 5060));
    await runner.run("conntrack", udpFlow("192.0.2.7", 40001, "192.0.2.1", 5070));
    await runner.run("conntrack", udpFlow("192.0.2.1", 5060, "192.0.2.9", 5060));
  });
  afterAll(async () => lab?.destroy());

  it("cuts the revoked sources' flows to the lost port, and keeps a still-allowed host, other ports and this host's own flows", async () => {
    const before = state([{ address: "192.0.2.0/24", services: ["all"] }]);
    const after = state([{ address: "192.0.2.8", services: ["sip"] }]);
    const lostSipOnly = revokedFlows(state([{ address: "192.0.2.0/24", services: ["sip"] }]), after);
    expect(await new ConntrackFlowCutter(runner).cut(lostSipOnly)).toEqual({ cut: 1, warning: null });
    const left = await listed();
    expect(left).not.toMatch(/src=192\.0\.2\.7 dst=192\.0\.2\.1 sport=40000 dport=5060/);
    expect(left).toMatch(/src=192\.0\.2\.8 dst=192\.0\.2\.1 sport=40000 dport=5060/);
    expect(left).toMatch(/src=192\.0\.2\.7 dst=192\.0\.2\.1 sport=40001 dport=5070/);
    expect(left).toMatch(/src=192\.0\.2\.1 dst=192\.0\.2\.9 sport=5060 dport=5060/);

    expect(await new ConntrackFlowCutter(runner).cut(revokedFlows(before, after))).toEqual({ cut: 1, warning: null });
    expect(await listed()).not.toMatch(/sport=40001 dport=5070/);
    expect(await listed()).toMatch(/src=192\.0\.2\.1 dst=192\.0\.2\.9/);
  });
});
