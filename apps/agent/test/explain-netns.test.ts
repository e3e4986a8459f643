// `explain` against real packets: a real control plane with its hub, the real `gatehouse-agent`
// enforcing nftables or iptables+ipset in a "pbx" namespace, and clients probing SIP (TCP 5060).
// For a host entry (the kernel's hash set), a CIDR entry (nft's interval set) and a stranger,
// the stored explanation, the agent's kernel answer and what a packet does all say the same;
// and each backend's lookup reads the kernel's sets as they are, not what it last applied.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import type { Api } from "@gatehouse/control-plane/testing";
import { SERVICE_CATALOGUE } from "@gatehouse/core";
import { CommandRunner, IptablesBackend, NftablesBackend } from "../src/firewall/index.ts";
import { LabAgent, SIP, startLabPlane, type LabPlane } from "./lab-agent.ts";

const enabled = requireCapability("explain netns", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));

describe.runIf(enabled).each([
  { backend: "nftables", label: "xn" },
  { backend: "iptables", label: "xi" },
])("explain on a PBX kept by the $backend agent", ({ backend, label }) => {
  let plane: LabPlane;
  let lab: NetnsLab;
  let admin: Api;
  let serverId: string;
  let agent: LabAgent | undefined;

  beforeAll(async () => {
    plane = await startLabPlane({
      label,
      hosts: ["pbx", "stranger", "traveler", "branch"],
      tenantName: `Explain ${backend}`,
      server: { name: "pbx-explain", primaryAdminSource: "203.0.113.10", mediaOpenToAll: false },
    });
    ({ lab, admin, serverId } = plane);
    const scope = { kind: "SERVER" as const, serverId };
    await admin.entries.add.mutate({ source: lab.host("traveler").ipv4, services: ["sip"], comment: "traveler", scope });
    await admin.entries.add.mutate({ source: lab.host("traveler").ipv6, services: ["sip"], scope });
    // branch is 192.0.2.4: a network entry, held in nft's interval set.
    await admin.entries.add.mutate({ source: "192.0.2.4/30", services: ["sip"], comment: "branch", scope });
    agent = LabAgent.start(plane, backend, ["--heartbeat-timeout-seconds", "6", "--backoff-base-ms", "200", "--backoff-cap-ms", "1000"]);
    await agent.untilApplied(plane);
  }, 90_000);

  afterAll(async () => {
    agent?.kill();
    await plane?.stop();
  });

  const sipVerdict = async (address: string) => {
    const answer = await admin.rulesets.explain.query({ serverId, address });
    expect(answer.live.status, JSON.stringify(answer.live)).toBe("answered");
    return { answer, sip: answer.live.verdicts?.find((verdict) => verdict.service === "sip") };
  };

  it("an allowed host: the entry is named, the kernel's set holds it, and its SIP packets get through", async () => {
    for (const address of [lab.host("traveler").ipv4, lab.host("traveler").ipv6]) {
      const { answer, sip } = await sipVerdict(address);
      expect(answer.explanation.dropped).toBe(false);
      expect(sip).toEqual({ service: "sip", stored: true, kernel: true });
      expect(answer.live).toMatchObject({ backend, agrees: true, error: null });
      expect(await lab.canConnect("traveler", address.includes(":") ? lab.host("pbx").ipv6 : lab.host("pbx").ipv4, SIP)).toBe(true);
    }
  });

  it("an address inside an allowed network: the network entry is named and the kernel's network set holds it", async () => {
    const { answer, sip } = await sipVerdict(lab.host("branch").ipv4);
    expect(answer.explanation.allows).toContainEqual(expect.objectContaining({ kind: "entry", source: "192.0.2.4/30", comment: "branch" }));
    expect(sip).toEqual({ service: "sip", stored: true, kernel: true });
    expect(await lab.canConnect("branch", lab.host("pbx").ipv4, SIP)).toBe(true);
  });

  it("a stranger: nothing allows it, the kernel agrees, and its SIP packets are dropped", async () => {
    const { answer, sip } = await sipVerdict(lab.host("stranger").ipv4);
    expect(answer.explanation.dropped).toBe(true);
    expect(sip).toEqual({ service: "sip", stored: false, kernel: false });
    expect(answer.live.agrees).toBe(true);
    expect(await lab.canConnect("stranger", lab.host("pbx").ipv4, SIP)).toBe(false);
  });
});

// The backend's lookup asks the kernel, not its memory: an element deleted by hand (no agent
// running to repair it) is reported gone at once, while the backend still "applied" it.
describe.runIf(enabled).each([
  { backend: "nftables" as const, label: "kn" },
  { backend: "iptables" as const, label: "ki" },
])("the $backend backend's kernel lookup", ({ backend, label }) => {
  let lab: NetnsLab;
  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: ["pbx", "traveler"] });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it("says what the kernel's sets hold now, for a host, a network and an absent address", async () => {
    const runner = new CommandRunner({ netns: lab.host("pbx").netns });
    const firewall = backend === "nftables" ? new NftablesBackend({ runner }) : new IptablesBackend({ runner });
    const sip = SERVICE_CATALOGUE.find((service) => service.id === "sip")!;
    await firewall.apply({ policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: [] }, services: [sip], allow: [{ address: "192.0.2.2", services: ["sip"] }, { address: "198.51.100.0/24", services: ["sip"] }] });
    const groups = ["lan", "admin", "all", "sip"];
    const present = async (address: string) => Object.fromEntries((await firewall.lookup(address, groups)).map((row) => [row.group, row.present]));
    expect(await present("192.0.2.2")).toEqual({ lan: false, admin: false, all: false, sip: true });
    expect(await present("198.51.100.77")).toEqual({ lan: false, admin: false, all: false, sip: true });
    expect(await present("10.9.8.7")).toEqual({ lan: true, admin: false, all: false, sip: false });
    expect(await present("203.0.113.5")).toEqual({ lan: false, admin: false, all: false, sip: false });
    if (backend === "nftables") await lab.exec("pbx", "nft", ["delete", "element", "inet", "gatehouse", "gh4-sip", "{", "192.0.2.2", "}"]);
    else await lab.exec("pbx", "ipset", ["del", "gh4-sip", "192.0.2.2"]);
    expect((await present("192.0.2.2")).sip).toBe(false);
    await expect(firewall.lookup("192.0.2.2 } ; flush ruleset", groups)).rejects.toThrow();
    await firewall.uninstall();
  });
});
