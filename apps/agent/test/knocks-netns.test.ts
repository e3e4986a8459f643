// Drop telemetry on real packets: the real `gatehouse-agent` enforces iptables+ipset or nftables
// in a "pbx" namespace, a stranger (another namespace) knocks on a few closed ports over IPv4 and
// IPv6, and the control plane's API shows that source with the ports it tried. An allowed
// traveler's traffic to the port it may use is never counted as a knock.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Api } from "@gatehouse/control-plane/testing";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import type { NetnsLab } from "@gatehouse/testkit/netns";
import { LabAgent, SIP, startLabPlane, type LabPlane } from "./lab-agent.ts";

const enabled = requireCapability("drop telemetry netns", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));

describe.runIf(enabled).each([
  { backend: "iptables", label: "ki" },
  { backend: "nftables", label: "kn" },
])("the $backend agent's drop telemetry", ({ backend, label }) => {
  let plane: LabPlane;
  let lab: NetnsLab;
  let admin: Api;
  let serverId: string;
  let agent: LabAgent | undefined;

  beforeAll(async () => {
    plane = await startLabPlane({ label, hosts: ["pbx", "traveler", "stranger"], tenantName: `Knocks ${backend}`, server: { name: "pbx-knocks", primaryAdminSource: "203.0.113.10" } });
    ({ lab, admin, serverId } = plane);
    await admin.entries.add.mutate({ source: lab.host("traveler").ipv4, services: ["sip"], scope: { kind: "SERVER", serverId } });
    agent = LabAgent.start(plane, backend, ["--knock-interval-seconds", "1", "--drift-interval-seconds", "2", "--backoff-base-ms", "200", "--backoff-cap-ms", "1000"]);
    await agent.untilApplied(plane);
  });

  afterAll(async () => {
    agent?.kill();
    await plane?.stop();
  });

  it("a stranger's scan shows up in the counts with the ports it tried; the allowed traveler's SIP does not", async () => {
    const pbx = lab.host("pbx");
    const stranger = lab.host("stranger");
    expect(await lab.canConnect("traveler", pbx.ipv4, SIP), "the traveler is allowed SIP").toBe(true);
    for (let i = 0; i < 3; i++) await lab.probe("stranger", "udp", pbx.ipv4, 5060, { timeoutMs: 100 });
    await lab.probe("stranger", "udp", pbx.ipv4, 5061, { timeoutMs: 100 });
    expect(await lab.canConnect("stranger", pbx.ipv4, 22, { timeoutMs: 100 })).toBe(false);
    expect(await lab.canConnect("stranger", pbx.ipv6, 3389, { timeoutMs: 100 })).toBe(false);

    // The probes may span two of the agent's intervals: wait until every knock is reported.
    const knocked = async () =>
      (await admin.knocks.top.query({ serverId })).sources
        .map((s) => `${s.source} ${s.ports.map((p) => `${p.protocol}/${p.port}x${p.packets}`).sort().join(",")} tried ${s.portsTried}`)
        .sort();
    await vi.waitFor(
      async () => expect(await knocked(), `the stranger's knocks are reported\n${agent?.log ?? ""}`).toEqual([`${stranger.ipv4} tcp/22x1,udp/5060x3,udp/5061x1 tried 3`, `${stranger.ipv6} tcp/3389x1 tried 1`].sort()),
      30_000,
    );
    const { sources } = await admin.knocks.top.query({ serverId });
    expect(sources.map((s) => s.source)).not.toContain(lab.host("traveler").ipv4);
    expect(sources[0]).toMatchObject({ source: stranger.ipv4, packets: 5 });

    // The agent reports per interval: counts already reported are not reported again.
    const before = (await admin.knocks.series.query({ serverId })).buckets.reduce((sum, b) => sum + b.packets, 0);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await admin.knocks.series.query({ serverId })).buckets.reduce((sum, b) => sum + b.packets, 0)).toBe(before);
  });
});
