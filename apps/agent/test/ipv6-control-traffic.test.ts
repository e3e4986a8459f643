// IPv6 needs more than neighbour discovery: with MLD queries dropped, a switch that snoops MLD
// stops sending the PBX its solicited-node multicast, and allowed IPv6 clients lose it; packet too
// big must arrive for path MTU discovery; DHCPv6 replies for an address. The PBX runs a raw ICMPv6
// socket and a DHCPv6 client port, which see a packet only if the firewall let it in; a traveler
// (on the link) and a stranger send crafted packets with python3. Documentation addresses only.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import type { FirewallBackend } from "../src/firewall/backend.ts";
import { CommandRunner } from "../src/firewall/command-runner.ts";
import { IptablesBackend } from "../src/firewall/iptables-backend.ts";
import { LAB_HOSTS, pbxState } from "./netns-fixture.ts";
import { NftablesBackend } from "../src/firewall/nftables-backend.ts";

const enabled = requireCapability("IPv6 control traffic e2e", netnsCapability(["iptables", "ip6tables", "ipset", "nft", "python3"]));

// Prints "icmp <type> <source>" for every ICMPv6 message and "dhcp <source>" for every datagram
// to UDP 546 that reaches the host's sockets, i.e. that the firewall accepted.
const RECEIVER = `
import select, socket
icmp = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
dhcp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
dhcp.bind(("::", 546))
print("ready", flush=True)
while True:
    for sock in select.select([icmp, dhcp], [], [])[0]:
        data, peer = sock.recvfrom(4096)
        source = peer[0].split("%")[0]
        print(f"icmp {data[0]} {source}" if sock is icmp else f"dhcp {source}", flush=True)
`;

// argv: what (mld-query | packet-too-big | echo | dhcp-reply), source, destination, interface.
const SENDER = `
import socket, struct, sys
what, source, destination, interface = sys.argv[1:5]
scope = socket.if_nametoindex(interface)
scoped = lambda address: scope if address.startswith(("fe80", "ff02")) else 0
if what == "dhcp-reply":
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.bind((source, 547, 0, scoped(source)))
    sock.sendto(bytes([7, 0, 0, 1]), (destination, 546, 0, scoped(destination)))
    sys.exit(0)
sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
sock.bind((source, 0, 0, scoped(source)))
sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
if what == "mld-query":
    message = struct.pack("!BBHHH16s", 130, 0, 0, 1000, 0, bytes(16))
elif what == "packet-too-big":
    inner = struct.pack("!IHBB16s16s", 6 << 28, 8, 17, 64, socket.inet_pton(socket.AF_INET6, destination), socket.inet_pton(socket.AF_INET6, "2001:db8::99"))
    message = struct.pack("!BBHI", 2, 0, 0, 1280) + inner + struct.pack("!HHHH", 5060, 5060, 8, 0)
else:
    message = struct.pack("!BBHHH", 128, 0, 0, 1, 1)
sock.sendto(message, (destination, 0, 0, scoped(destination)))
`;

describe.runIf(enabled).each([
  { name: "iptables", label: "6i" },
  { name: "nftables", label: "6n" },
] as const)("with the $name backend, the IPv6 control traffic a host needs gets in", ({ name, label }) => {
  let lab: NetnsLab;
  let receiver: ChildProcess;
  let received = "";
  const linkLocal: Record<string, string> = {};

  const send = (from: string, what: string, source: string, destination: string) =>
    lab.exec(from, "python3", ["-c", SENDER, what, source, destination, "eth0"]);
  /** Sends until the PBX's sockets see it (the first packets on a fresh link may wait for ND). */
  const arrives = async (line: string, from: string, what: string, source: string, destination: string) =>
    vi.waitFor(async () => {
      await send(from, what, source, destination);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received, `"${line}" reaches the PBX`).toContain(line);
    }, 10_000);
  /** Sends a few times, waits as long as an arrival above takes, and says whether it arrived. */
  const neverArrives = async (line: string, from: string, what: string, source: string, destination: string) => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await send(from, what, source, destination);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return !received.includes(line);
  };

  beforeAll(async () => {
    lab = await NetnsLab.create({ label, hosts: LAB_HOSTS });
    for (const host of LAB_HOSTS) {
      await vi.waitFor(async () => {
        const { stdout } = await lab.exec(host, "ip", ["-6", "-o", "addr", "show", "dev", "eth0", "scope", "link", "-tentative"]);
        const address = /inet6 (fe80::[0-9a-f:]+)\//.exec(stdout)?.[1];
        if (address) linkLocal[host] = address;
        expect(address, `${host} has a usable link-local address`).toBeDefined();
      }, 10_000);
    }
    receiver = spawn("ip", ["netns", "exec", lab.host("pbx").netns, "python3", "-u", "-c", RECEIVER], { stdio: ["ignore", "pipe", "pipe"] });
    receiver.stdout?.on("data", (chunk: Buffer) => (received += chunk.toString()));
    await vi.waitFor(() => expect(received, "the PBX listens").toContain("ready"), 10_000);
    const runner = new CommandRunner({ netns: lab.host("pbx").netns });
    const backend: FirewallBackend = name === "iptables" ? new IptablesBackend({ runner }) : new NftablesBackend({ runner });
    // The traveler is allowlisted for SIP only: none of what follows is allowed by the allowlist.
    await backend.apply(pbxState([lab.host("traveler").ipv6]));
  });
  afterAll(async () => {
    receiver?.kill("SIGKILL");
    await lab?.destroy();
  });

  it("accepts an MLD query from a link-local neighbour (the PBX stays in its multicast groups)", async () => {
    await arrives(`icmp 130 ${linkLocal.stranger}`, "stranger", "mld-query", linkLocal.stranger!, "ff02::1");
  });

  it("accepts packet too big from any address, so path MTU discovery works", async () => {
    const stranger = lab.host("stranger");
    await arrives(`icmp 2 ${stranger.ipv6}`, "stranger", "packet-too-big", stranger.ipv6, lab.host("pbx").ipv6);
  });

  it("accepts a DHCPv6 reply to the PBX's link-local address", async () => {
    await arrives(`dhcp ${linkLocal.traveler}`, "traveler", "dhcp-reply", linkLocal.traveler!, linkLocal.pbx!);
  });

  it("still drops what proves no link-local origin, and pings from strangers", async () => {
    const stranger = lab.host("stranger");
    expect(await neverArrives(`icmp 130 ${stranger.ipv6}`, "stranger", "mld-query", stranger.ipv6, "ff02::1")).toBe(true);
    expect(await neverArrives(`icmp 128 ${stranger.ipv6}`, "stranger", "echo", stranger.ipv6, lab.host("pbx").ipv6)).toBe(true);
    expect(await neverArrives(`dhcp ${stranger.ipv6}`, "stranger", "dhcp-reply", stranger.ipv6, lab.host("pbx").ipv6)).toBe(true);
  });
});
