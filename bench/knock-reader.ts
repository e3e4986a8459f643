// The agent's drop-telemetry reading as a process of its own, so that the CPU and memory it
// reports are the reading's: the real KnockTelemetry (apps/agent/src/sync/knock-telemetry.ts)
// over the real backend's readKnocks, in the agent's SerialQueue, every interval, until its stdin
// closes; then it waits for a reading under way and prints one line of JSON (KnockReaderReport).
//   tsx bench/knock-reader.ts <netns> <nftables|iptables> <interval ms>
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { CommandRunner, IptablesBackend, NftablesBackend } from "../apps/agent/src/firewall/index.ts";
import { createAgentLogger } from "../apps/agent/src/logger.ts";
import { SerialQueue } from "../apps/agent/src/serial-queue.ts";
import { KnockTelemetry, knockReaderOf } from "../apps/agent/src/sync/knock-telemetry.ts";

export interface KnockReaderReport {
  readings: number;
  /** Wall time of each read of the kernel sets (listing and parsing). */
  readingMs: number[];
  /** Sources of the intervals it would have reported. */
  sources: number[];
  /** This process's own CPU (user + system) from the first interval on (not its start-up). */
  cpuSeconds: number;
  /** CPU of the nft / ipset processes it ran. */
  toolCpuSeconds: number;
  /** RSS when the telemetry started (node, tsx and the agent's modules loaded). */
  startRssBytes: number;
  /** Highest RSS seen (sampled every RSS_SAMPLE_MS) from then on. */
  peakRssBytes: number;
}

export function parseKnockReaderReport(output: string): KnockReaderReport {
  return JSON.parse(output) as KnockReaderReport;
}

const RSS_SAMPLE_MS = 100;

/** cutime + cstime of /proc/self/stat: the CPU of the children waited for. */
function childrenCpuSeconds(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

async function runReader(netns: string, backendName: string, intervalMs: number): Promise<void> {
  const runner = new CommandRunner({ netns });
  const read = knockReaderOf(backendName === "nftables" ? new NftablesBackend({ runner }) : new IptablesBackend({ runner }));
  if (read === null) throw new Error(`${backendName} keeps no knock sets`);
  const report: KnockReaderReport = { readings: 0, readingMs: [], sources: [], cpuSeconds: 0, toolCpuSeconds: 0, startRssBytes: 0, peakRssBytes: 0 };
  const queue = new SerialQueue();
  const telemetry = new KnockTelemetry({
    read: async (at) => {
      const start = performance.now();
      const counters = await read(at);
      report.readings++;
      report.readingMs.push(performance.now() - start);
      return counters;
    },
    intervalMs,
    logger: createAgentLogger("warn"),
    inQueue: (task) => queue.run(task),
    counted: (interval) => report.sources.push(interval.sources),
  });
  report.startRssBytes = report.peakRssBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => (report.peakRssBytes = Math.max(report.peakRssBytes, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  const cpuAtStart = process.cpuUsage();
  telemetry.start();
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once("end", resolve));
  telemetry.stop();
  await queue.idle();
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuAtStart);
  report.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  report.toolCpuSeconds = childrenCpuSeconds();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [netns = "", backendName = "", intervalMs = ""] = process.argv.slice(2);
  await runReader(netns, backendName, Number(intervalMs));
}
