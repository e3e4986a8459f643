// A trunk provider allowed by its SIP domain (srv:<domain>) on real packets: a real control
// plane, the real `gatehouse-agent` enforcing iptables+ipset or nftables in a "pbx" namespace, a DNS server the
// test runs publishing SRV records that name two trunk hosts, each with an IPv4 and an IPv6
// address. Every address behind the SRV records reaches SIP; a host the records do not name
// does not. Documentation addresses only; the namespaces are created here and deleted after.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import type { NetnsLab } from "@gatehouse/testkit/netns";
import type { Api } from "@gatehouse/control-plane/testing";
import { TestDnsServer } from "./dns-server.ts";
import { LabAgent, SIP, startLabPlane, type LabPlane } from "./lab-agent.ts";

const enabled = requireCapability("SIP domain e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft"]));
const DOMAIN = "trunk.example.test";

describe.runIf(enabled).each([
  { backend: "iptables", label: "si" },
  { backend: "nftables", label: "sn" },
])("a trunk provider allowed by its SIP domain on the $backend agent", ({ backend, label }) => {
  let plane: LabPlane;
  let lab: NetnsLab;
  let dns: TestDnsServer;
  let admin: Api;
  let serverId: string;
  let agent: LabAgent | undefined;

  const reachesSip = async (from: string) => {
    const pbx = lab.host("pbx");
    const [ipv4, ipv6] = await Promise.all([lab.canConnect(from, pbx.ipv4, SIP), lab.canConnect(from, pbx.ipv6, SIP)]);
    return { ipv4, ipv6 };
  };
  const everyoneReaches = async () => ({ trunka: await reachesSip("trunka"), trunkb: await reachesSip("trunkb"), stranger: await reachesSip("stranger") });

  beforeAll(async () => {
    plane = await startLabPlane({ label, hosts: ["pbx", "trunka", "trunkb", "stranger"], tenantName: `SIP domain e2e ${backend}`, server: { name: "pbx-srv", primaryAdminSource: "203.0.113.10" } });
    ({ lab, admin, serverId } = plane);
    dns = new TestDnsServer();
    await dns.start();
  });

  afterAll(async () => {
    agent?.kill();
    await dns?.stop();
    await plane?.stop();
  });

  it("lets every address behind the SRV records reach SIP, and no one else", async () => {
    const a = lab.host("trunka");
    const b = lab.host("trunkb");
    dns.set(`_sip._udp.${DOMAIN}`, { srv: [{ target: `sip-a.${DOMAIN}`, port: 5060, priority: 10 }, { target: `sip-b.${DOMAIN}`, port: 5060, priority: 20 }], ttl: 1 });
    dns.set(`_sips._tcp.${DOMAIN}`, { srv: [{ target: `sip-b.${DOMAIN}`, port: 5061 }], ttl: 1 });
    dns.set(`sip-a.${DOMAIN}`, { a: [a.ipv4], aaaa: [a.ipv6], ttl: 1 });
    dns.set(`sip-b.${DOMAIN}`, { a: [b.ipv4], aaaa: [b.ipv6], ttl: 1 });
    agent = LabAgent.start(plane, backend, ["--dns-server", dns.address, "--ttl-min-seconds", "1", "--backoff-base-ms", "200", "--backoff-cap-ms", "1000"]);

    const entry = await admin.entries.add.mutate({ source: `SRV:${DOMAIN}`, services: ["sip"], scope: { kind: "SERVER", serverId } });
    expect(entry.source).toBe(`srv:${DOMAIN}`);
    const open = { ipv4: true, ipv6: true };
    const shut = { ipv4: false, ipv6: false };
    await vi.waitFor(async () => expect(await everyoneReaches()).toEqual({ trunka: open, trunkb: open, stranger: shut }), 40_000);

    const status = await admin.fleet.server.query({ serverId });
    expect(status.unresolved).toEqual([]);
    const answer = status.fqdnAnswers.find((x) => x.fqdn === `srv:${DOMAIN}`);
    expect(answer).toMatchObject({ addresses: [a.ipv4, a.ipv6, b.ipv4, b.ipv6].sort(), error: null });
    expect(answer?.targets).toEqual([
      { target: `sip-a.${DOMAIN}`, ports: [5060], addresses: [a.ipv4, a.ipv6].sort() },
      { target: `sip-b.${DOMAIN}`, ports: [5060, 5061], addresses: [b.ipv4, b.ipv6].sort() },
    ]);
  });

  it("follows the provider when its SRV records move to another host", async () => {
    const stranger = lab.host("stranger");
    dns.set(`sip-c.${DOMAIN}`, { a: [stranger.ipv4], aaaa: [stranger.ipv6], ttl: 1 });
    dns.set(`_sip._udp.${DOMAIN}`, { srv: [{ target: `sip-a.${DOMAIN}`, port: 5060 }, { target: `sip-c.${DOMAIN}`, port: 5060 }], ttl: 1 });
    dns.set(`_sips._tcp.${DOMAIN}`, { srv: [{ target: `sip-c.${DOMAIN}`, port: 5061 }], ttl: 1 });
    const open = { ipv4: true, ipv6: true };
    const shut = { ipv4: false, ipv6: false };
    await vi.waitFor(async () => expect(await everyoneReaches()).toEqual({ trunka: open, trunkb: shut, stranger: open }), 40_000);
  });
});
