// Drop telemetry under a scan flood: a "stranger" namespace sends UDP from many spoofed sources
// (100.64.0.0/10) to a PBX namespace whose firewall the real backend enforces, then the agent's
// reading runs as it does every interval. Says how many elements the kernel set holds (bounded
// at 65,536 whatever the flood), and what one reading costs the agent: wall time, its own CPU
// (the nft / ipset child's is extra), heap and RSS growth, and the size of the interval it reports.
//   npx tsx bench/knock-flood.bench.ts [packets]      (root: network namespaces, python3)
import { performance } from "node:perf_hooks";
import { KnockTally, type ResolvedState } from "../packages/core/src/index.ts";
import { CommandRunner, IptablesBackend, NftablesBackend } from "../apps/agent/src/firewall/index.ts";
import { NetnsLab } from "../packages/testkit/src/netns.ts";

const packets = Number(process.argv[2] ?? 200_000);

// Raw IPv4 + UDP with a random source each packet; the kernel fills in the IP checksum.
const FLOOD = `
import random, socket, struct, sys
dst, count = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
d = socket.inet_aton(dst)
for i in range(count):
    src = struct.pack("!I", (100 << 24 | 64 << 16) + random.getrandbits(22))
    port = 5060 + (i % 11)
    udp = struct.pack("!HHHH", 40000, port, 8, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, i & 0xffff, 0, 64, 17, 0, src, d)
    s.sendto(ip + udp, (dst, 0))
`;

const state: ResolvedState = {
  policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: [] },
  services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: 5060, to: 5060 }] }],
  allow: [{ address: "198.51.100.7", services: ["sip"] }],
};

async function elements(lab: NetnsLab, backend: "nftables" | "iptables"): Promise<number> {
  if (backend === "iptables") {
    const listing = await lab.exec("pbx", "ipset", ["list", "-t", "gh4.knock"]);
    return Number(/Number of entries: (\d+)/.exec(listing.stdout)?.[1] ?? -1);
  }
  const listing = await lab.exec("pbx", "nft", ["-j", "list", "set", "inet", "gatehouse", "gh4.knock"]);
  return (listing.stdout.match(/"concat"/g) ?? []).length;
}

async function run(backendName: "nftables" | "iptables"): Promise<void> {
  const lab = await NetnsLab.create({ label: backendName === "nftables" ? "bn" : "bi", hosts: ["pbx", "stranger"] });
  try {
    const pbx = lab.host("pbx");
    await lab.exec("pbx", "sysctl", ["-q", "-w", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.eth0.rp_filter=0"]);
    const runner = new CommandRunner({ netns: pbx.netns });
    const backend = backendName === "nftables" ? new NftablesBackend({ runner }) : new IptablesBackend({ runner });
    await backend.apply(state);
    const tally = new KnockTally(new Date());
    const floodStart = performance.now();
    await lab.exec("stranger", "python3", ["-c", FLOOD, pbx.ipv4, String(packets)]);
    const floodSeconds = (performance.now() - floodStart) / 1000;
    const held = await elements(lab, backendName);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const interval = tally.reading(await backend.readKnocks(new Date()), new Date());
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
    console.log(
      [
        `${backendName}: ${packets} spoofed packets in ${floodSeconds.toFixed(1)} s; the set holds ${held} elements (bound 65536)`,
        `  one reading: ${wallMs.toFixed(0)} ms wall, agent CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, heap +${mb(process.memoryUsage().heapUsed - heapBefore)} MB, RSS +${mb(process.memoryUsage().rss - rssBefore)} MB`,
        `  interval: ${interval.sources} sources, ${interval.packets} packets counted; top ${interval.top.length}, ${JSON.stringify(interval).length} bytes in the report`,
      ].join("\n"),
    );
  } finally {
    await lab.destroy();
  }
}

for (const backend of (process.argv[3] ? [process.argv[3]] : ["nftables", "iptables"]) as ("nftables" | "iptables")[]) await run(backend);
