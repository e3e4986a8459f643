// Docker publishes a container's port with a DNAT: the connection goes through FORWARD, not
// INPUT, so an INPUT-only allowlist let a stranger reach a containerised PBX. Here a "container"
// namespace sits behind the PBX on its own link (as behind Docker's bridge) with SIP listening,
// and the PBX publishes TCP 5060 to it with a DNAT (iptables -t nat, or an nft nat table), over
// IPv4 and IPv6. The same allowlist guards the published port. Documentation addresses only.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import type { FirewallBackend } from "../src/firewall/backend.ts";
import { CommandRunner } from "../src/firewall/command-runner.ts";
import { IptablesBackend } from "../src/firewall/iptables-backend.ts";
import { BOTH, LAB_HOSTS, NEITHER, SIP_PORT, addressesOf, pbxState, reaches } from "./netns-fixture.ts";
import { NftablesBackend } from "../src/firewall/nftables-backend.ts";

const enabled = requireCapability("published ports e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));

/** Publishes PBX port 5060 to the container, as `docker run -p 5060:5060` does, and masquerades its own connections. */
const PUBLISH = {
  iptables: [
    ["iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "5060", "-j", "DNAT", "--to-destination", "198.51.100.2:5060"],
    ["ip6tables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "5060", "-j", "DNAT", "--to-destination", "[2001:db8:1::2]:5060"],
    ["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "198.51.100.0/24", "-o", "eth0", "-j", "MASQUERADE"],
    ["ip6tables", "-t", "nat", "-A", "POSTROUTING", "-s", "2001:db8:1::/64", "-o", "eth0", "-j", "MASQUERADE"],
  ],
  nftables: [
    ["nft", "add table inet docker-like"],
    ["nft", "add chain inet docker-like prerouting { type nat hook prerouting priority dstnat; }"],
    ["nft", "add rule inet docker-like prerouting ip daddr 192.0.2.1 tcp dport 5060 dnat ip to 198.51.100.2:5060"],
    ["nft", "add rule inet docker-like prerouting ip6 daddr 2001:db8::1 tcp dport 5060 dnat ip6 to [2001:db8:1::2]:5060"],
    ["nft", "add chain inet docker-like postrouting { type nat hook postrouting priority srcnat; }"],
    ["nft", "add rule inet docker-like postrouting oifname eth0 ip saddr 198.51.100.0/24 masquerade"],
    ["nft", "add rule inet docker-like postrouting oifname eth0 ip6 saddr 2001:db8:1::/64 masquerade"],
  ],
} as const;

describe.runIf(enabled).each([
  { name: "iptables", label: "di" },
  { name: "nftables", label: "dn" },
] as const)("with the $name backend, a port published to a container by DNAT", ({ name, label }) => {
  let lab: NetnsLab;
  let backend: FirewallBackend;
  const inPbx = (command: string, args: readonly string[]) => lab.exec("pbx", command, [...args]);

  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: LAB_HOSTS });
    await lab.addBehind("pbx", "container");
    await lab.listenTcp("container", [SIP_PORT]);
    for (const [command, ...args] of PUBLISH[name]) {
      await inPbx(command, command === "nft" ? args[0].split(" ") : args);
    }
    const runner = new CommandRunner({ netns: lab.host("pbx").netns });
    backend = name === "iptables" ? new IptablesBackend({ runner }) : new NftablesBackend({ runner });
  });
  afterAll(async () => lab?.destroy());

  it("is open to anyone while no Gatehouse ruleset guards it (what the test would catch)", async () => {
    // The first packets through a new link wait for neighbour discovery.
    await vi.waitFor(async () => expect(JSON.stringify(await reaches(lab, "stranger", SIP_PORT)), "the stranger reaches the container").toBe(JSON.stringify(BOTH)), 10_000);
  });

  it("is refused to a stranger and reached by an allowlisted traveler, over IPv4 and IPv6", async () => {
    await backend.apply(pbxState(addressesOf(lab, "traveler")));
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(BOTH);
    expect(await reaches(lab, "stranger", SIP_PORT)).toEqual(NEITHER);
    expect(await backend.verify(pbxState(addressesOf(lab, "traveler")))).toEqual({ intact: true, problems: [] });
  });

  it("closes to the traveler too once the traveler leaves the allowlist", async () => {
    await backend.apply(pbxState([]));
    expect(await reaches(lab, "traveler", SIP_PORT)).toEqual(NEITHER);
  });

  it("still lets the container open connections of its own (not DNATed: not ours to judge)", async () => {
    await lab.listenTcp("stranger", [8080]);
    const stranger = lab.host("stranger");
    const both = async () => (await lab.canConnect("container", stranger.ipv4, 8080)) && (await lab.canConnect("container", stranger.ipv6, 8080));
    await vi.waitFor(async () => expect(await both(), "the container reaches the stranger").toBe(true), 10_000);
  });

  it("reports a flushed forward guard as drift", async () => {
    if (name === "iptables") await inPbx("iptables", ["-F", "GATEHOUSE-FWD"]);
    else await inPbx("nft", ["flush", "chain", "inet", "gatehouse", "forward"]);
    const report = await backend.verify(pbxState([]));
    expect(report.intact).toBe(false);
    expect(report.problems.join("\n")).toMatch(name === "iptables" ? /GATEHOUSE-FWD \(IPv4\) has no rules/ : /forward of table inet gatehouse has no rules/);
  });
});
