// What counting a scan costs: a PBX namespace under a sustained flood of ~100k UDP packets/s from
// random sources in 100.64.0.0/10 (scan-flood.c, compiled with gcc at start), for 30 s with the
// drop telemetry on (the real backend's knock sets and rules, compile/knock-sets.ts) and 30 s
// with it off (the same ruleset with the knock rules deleted and the sets flushed), on nftables
// and on ipset + iptables, in the same run. Needs root (network namespaces) and gcc.
//   npx tsx bench/scan-counting.bench.ts [seconds] [packets/s]      or      pnpm bench scan-counting
//
// Kernel: softirq CPU over the flood from /proc/stat (the whole machine: network namespaces share
// the CPUs, and the bridge's and the PBX's packet paths both run there; an idle stretch before
// says what the rest of the machine adds), and the sender's system CPU (on veth the receiving
// path often runs inside the sender's system calls). Rate: the PBX's eth0 receive counter.
// Agent: the real reading (KnockTelemetry over readKnocks, knock-reader.ts) in a process of its
// own, every READING_INTERVAL_S during the flood: the agent reads every 300 s by default, so a
// reading here stands for one 300-s interval. Its CPU, its nft / ipset children's CPU, and its RSS.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { IPTABLES_CHAIN, NFT_CHAIN, NFT_FAMILY, NFT_TABLE, knockSetName, type ResolvedState } from "../packages/core/src/index.ts";
import { CommandRunner, IptablesBackend, NftablesBackend } from "../apps/agent/src/firewall/index.ts";
import { NetnsLab } from "../packages/testkit/src/netns.ts";
import { printTable, type Row } from "./bench-table.ts";
import { loadAverage } from "./country-pbx.ts";
import { parseKnockReaderReport, type KnockReaderReport } from "./knock-reader.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const READING_INTERVAL_S = 9.5;
const IDLE_SECONDS = 5;

type BackendName = "nftables" | "iptables";

const state: ResolvedState = {
  policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: [] },
  services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: 5060, to: 5060 }] }],
  allow: [{ address: "198.51.100.7", services: ["sip"] }],
};

interface Phase {
  seconds: number;
  received: number;
  softirqSeconds: number;
  senderSystemSeconds: number;
  held: number;
  reader: KnockReaderReport;
}

async function compileFlood(dir: string): Promise<string> {
  const binary = path.join(dir, "scan-flood");
  await new Promise<void>((resolve, reject) => {
    const gcc = spawn("gcc", ["-O2", "-o", binary, path.join(here, "scan-flood.c")], { stdio: "inherit" });
    gcc.on("error", reject);
    gcc.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`gcc exited ${code}`))));
  });
  return binary;
}

/** The machine's softirq time so far (/proc/stat's first line, in USER_HZ ticks of 10 ms). */
async function softirqSeconds(): Promise<number> {
  const cpu = (await readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/);
  return Number(cpu[7]) / 100;
}

async function receivedPackets(lab: NetnsLab, host: string): Promise<number> {
  return Number((await lab.exec(host, "cat", ["/sys/class/net/eth0/statistics/rx_packets"])).stdout);
}

async function elementsHeld(lab: NetnsLab, host: string, backend: BackendName): Promise<number> {
  if (backend === "iptables") {
    const listing = await lab.exec(host, "ipset", ["list", "-t", knockSetName(4)]);
    return Number(/Number of entries: (\d+)/.exec(listing.stdout)?.[1] ?? -1);
  }
  const listing = await lab.exec(host, "nft", ["-j", "list", "set", NFT_FAMILY, NFT_TABLE, knockSetName(4)]);
  return (listing.stdout.match(/"concat"/g) ?? []).length;
}

/** Telemetry off: the knock rules deleted and the knock sets emptied; every other rule stays. */
async function stopCounting(lab: NetnsLab, host: string, backend: BackendName): Promise<void> {
  if (backend === "nftables") {
    const chain = (await lab.exec(host, "nft", ["-a", "list", "chain", NFT_FAMILY, NFT_TABLE, NFT_CHAIN])).stdout;
    for (const line of chain.split("\n").filter((rule) => rule.includes(".knock"))) {
      const handle = /# handle (\d+)$/.exec(line.trim())?.[1];
      if (handle !== undefined) await lab.exec(host, "nft", ["delete", "rule", NFT_FAMILY, NFT_TABLE, NFT_CHAIN, "handle", handle]);
    }
    for (const family of [4, 6] as const) await lab.exec(host, "nft", ["flush", "set", NFT_FAMILY, NFT_TABLE, knockSetName(family)]);
    return;
  }
  for (const [tool, family] of [["iptables", 4], ["ip6tables", 6]] as const) {
    // `-S` lists "-N GATEHOUSE" first, then the rules: a rule's line index is its number.
    const rules = (await lab.exec(host, tool, ["-w", "-S", IPTABLES_CHAIN])).stdout.split("\n");
    const numbers = rules.flatMap((line, index) => (line.includes(knockSetName(family)) ? [index] : [])).reverse();
    for (const number of numbers) await lab.exec(host, tool, ["-w", "-D", IPTABLES_CHAIN, String(number)]);
    await lab.exec(host, "ipset", ["flush", knockSetName(family)]);
  }
}

function startReader(netns: string, backend: BackendName): { stop: () => Promise<KnockReaderReport> } {
  const script = path.join(here, "knock-reader.ts");
  const child = spawn(process.execPath, [...process.execArgv, script, netns, backend, String(READING_INTERVAL_S * 1000)], { stdio: ["pipe", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`knock reader exited ${code}`))));
  });
  return {
    stop: async () => {
      child.stdin.end();
      await exited;
      return parseKnockReaderReport(stdout);
    },
  };
}

async function floodPhase(lab: NetnsLab, host: string, backend: BackendName, flood: string, seconds: number, rate: number): Promise<Phase> {
  const reader = startReader(lab.host(host).netns, backend);
  const [receivedBefore, softirqBefore] = [await receivedPackets(lab, host), await softirqSeconds()];
  const start = performance.now();
  const sender = await lab.exec("stranger", flood, [lab.host(host).ipv4, String(rate), String(seconds)]).catch(async (error: unknown) => {
    await reader.stop().catch(() => undefined);
    throw error;
  });
  const elapsed = (performance.now() - start) / 1000;
  const [receivedAfter, softirqAfter] = [await receivedPackets(lab, host), await softirqSeconds()];
  const report = await reader.stop();
  const [, senderSystem] = sender.stdout.trim().split(" ");
  return {
    seconds: elapsed,
    received: receivedAfter - receivedBefore,
    softirqSeconds: softirqAfter - softirqBefore,
    senderSystemSeconds: Number(senderSystem),
    held: await elementsHeld(lab, host, backend),
    reader: report,
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;

function phaseRow(what: string, phase: Phase, idleSoftirqPerSecond: number): Row {
  const { reader } = phase;
  const perReading = reader.readings === 0 ? "-" : `${((reader.cpuSeconds + reader.toolCpuSeconds) / reader.readings).toFixed(2)} s`;
  return {
    what,
    values: [
      `${Math.round(phase.received / phase.seconds / 1000)}k/s`,
      `${phase.softirqSeconds.toFixed(1)} s (${((phase.softirqSeconds / phase.seconds) * 100).toFixed(0)}%)`,
      `${(idleSoftirqPerSecond * phase.seconds).toFixed(1)} s`,
      `${phase.senderSystemSeconds.toFixed(1)} s`,
      String(phase.held),
      `${reader.readings}, ${(sum(reader.readingMs) / Math.max(1, reader.readings) / 1000).toFixed(1)} s each`,
      `${reader.cpuSeconds.toFixed(1)} s + ${reader.toolCpuSeconds.toFixed(1)} s`,
      perReading,
      `${mb(reader.startRssBytes)} -> ${mb(reader.peakRssBytes)}`,
    ],
  };
}

async function backendRows(lab: NetnsLab, backend: BackendName, flood: string, seconds: number, rate: number): Promise<Row[]> {
  const host = backend === "nftables" ? "nft" : "ipset";
  const runner = new CommandRunner({ netns: lab.host(host).netns });
  await (backend === "nftables" ? new NftablesBackend({ runner }) : new IptablesBackend({ runner })).apply(state);
  const idleBefore = await softirqSeconds();
  await sleep(IDLE_SECONDS * 1000);
  const idlePerSecond = ((await softirqSeconds()) - idleBefore) / IDLE_SECONDS;
  const counting = await floodPhase(lab, host, backend, flood, seconds, rate);
  await stopCounting(lab, host, backend);
  const notCounting = await floodPhase(lab, host, backend, flood, seconds, rate);
  return [phaseRow(`${backend}, counting`, counting, idlePerSecond), phaseRow(`${backend}, not counting`, notCounting, idlePerSecond)];
}

export async function main(seconds = 30, rate = 100_000): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("skipped: needs root (network namespaces)");
    return;
  }
  const loadBefore = loadAverage();
  const dir = await mkdtemp(path.join(tmpdir(), "gh-scan-flood-"));
  const lab = await NetnsLab.create({ label: "scan", hosts: ["stranger", "nft", "ipset"] });
  try {
    const flood = await compileFlood(dir);
    for (const host of ["nft", "ipset"]) await lab.exec(host, "sysctl", ["-q", "-w", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.eth0.rp_filter=0"]);
    const rows = [...(await backendRows(lab, "nftables", flood, seconds, rate)), ...(await backendRows(lab, "iptables", flood, seconds, rate))];
    console.log(`load average ${loadBefore} before, ${loadAverage()} after; 2 CPUs shared with other work`);
    printTable(
      `A ${seconds}-s scan at ${rate / 1000}k UDP packets/s from random sources, drop telemetry on and off; the agent's reading every ${READING_INTERVAL_S} s during it (the agent's default: every 300 s)`,
      ["", "received", "softirq (machine)", "idle softirq", "sender's system CPU", "set elements", "readings", "reader CPU + nft/ipset CPU", "CPU per reading", "reader RSS: start -> peak"],
      rows,
    );
  } finally {
    await lab.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(Number(process.argv[2] ?? 30), Number(process.argv[3] ?? 100_000));
}
