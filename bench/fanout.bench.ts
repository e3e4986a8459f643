// Fan-out: N simulated agents (a load generator speaking the real protocol over real
// WebSockets) connected to a real control plane in a child process, on a real PostgreSQL.
// Measures, for N = 1,000 and 10,000:
//   - one mutation (a fleet-wide entry added through the real tRPC procedure) -> time until each
//     agent holds the new state (what a user waits for: the hub loads the changed servers' states
//     in batches and pushes them), p50/p99/max, from the API call and from the commit's
//     publication on the bus (the call itself bumps N revisions in one transaction);
//   - in the same run, a raw `ws` broadcast of a message of the state's size to N clients
//     (fanout-raw-ws.ts): the wire's limit, and commit -> new state p99 as a ratio to it;
//   - control-plane memory per connected agent (JS heap + external buffers, and RSS, after GC,
//     delta / N; RSS is noisy: freed pages are not always returned to the system);
//   - after a control-plane restart, time until every agent has reconnected and has its state
//     (agents use the real agent's backoff: capped exponential, full jitter).
// Targets at 10,000: new state p99 <= 1.0 s from the API call and <= 3x the raw broadcast from the
// commit; <= 16 KB per agent; 10,000 reconnected within 5 s.
//   npx tsx bench/fanout.bench.ts [N ...]      (needs DATABASE_URL or PostgreSQL on 127.0.0.1)
// 10,000 connections need ~10,000 file descriptors in each process: when `ulimit -n` is lower,
// the bench re-runs itself under `prlimit --nofile=65536` (root, or a hard limit that allows it).
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rawBroadcast } from "./fanout-raw-ws.ts";
import { ControlPlaneProcess, openFileLimit, SimulatedAgent, waitFor } from "./fanout-sim.ts";
import { percentile } from "./stats.ts";

const DEFAULT_SIZES = [1_000, 10_000];
const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

interface FanoutRow {
  agents: number;
  connectSeconds: number;
  stateP50Ms: number;
  stateP99Ms: number;
  stateMaxMs: number;
  stateCommitP50Ms: number;
  stateCommitP99Ms: number;
  stateBytes: number;
  rawP50Ms: number;
  rawP99Ms: number;
  heapPerAgentKb: number;
  rssPerAgentKb: number;
  reconnectSeconds: number;
  reconnectAfterKillSeconds: number;
}

function debug(what: string): void {
  if (process.env.BENCH_DEBUG) console.log(`[fanout] ${what}`);
}

type ControlPlaneFigures = Omit<FanoutRow, "rawP50Ms" | "rawP99Ms">;

async function runSize(n: number): Promise<ControlPlaneFigures> {
  const { seedBenchFleet } = await import("./fanout-control-plane.ts");
  const fleet = await seedBenchFleet(DATABASE_URL, n);
  let controlPlane = await ControlPlaneProcess.start(fleet.databaseUrl);
  const port = controlPlane.port;
  const url = `http://127.0.0.1:${port}`;
  try {
    const baseline = await controlPlane.memory();
    let synced = 0;
    const agents = fleet.credentials.map((credential) => new SimulatedAgent([url], credential, () => (synced += 1)));
    const connectStart = performance.now();
    // Ramp up in waves so the listen backlog never overflows.
    for (let i = 0; i < agents.length; i += 500) {
      agents.slice(i, i + 500).forEach((a) => void a.run());
      await waitFor(() => synced >= Math.min(i + 500, agents.length), "agents to connect");
      debug(`wave ${i}: ${(performance.now() - connectStart).toFixed(0)} ms`);
    }
    const connectSeconds = (performance.now() - connectStart) / 1000;
    debug("connected");
    await waitFor(() => agents.every((a) => a.applied !== null), "every agent to apply its first state");
    debug("applied");
    const loaded = await controlPlane.memory();
    debug("measured");

    const before = Math.max(...agents.map((a) => a.revision));
    const mutationStart = performance.now();
    const { revision, publishedAt } = await controlPlane.mutate();
    debug(`mutated to ${revision}`);
    await waitFor(() => agents.every((a) => (a.applied?.revision ?? 0) >= revision), "every agent to apply the change");
    await new Promise((r) => setTimeout(r, 1500)); // reports stored and lastSeenAt flushed
    const stateLatencies = agents.map((a) => a.stateAt - mutationStart).sort((a, b) => a - b);
    const stateSinceCommit = agents.map((a) => performance.timeOrigin + a.stateAt - publishedAt).sort((a, b) => a - b);
    const stateBytes = Buffer.byteLength(JSON.stringify(agents[0]?.lastState ?? {}));
    if (revision <= before) throw new Error("the mutation did not raise the revision");

    // Restart: kill the control plane, start a new one on the same port.
    synced = 0;
    const killedAt = performance.now();
    await (process.env.BENCH_PROF ? controlPlane.stop() : controlPlane.kill()); // a killed process writes no profile
    controlPlane = await ControlPlaneProcess.start(fleet.databaseUrl, port);
    const upAt = performance.now();
    await waitFor(() => synced >= n, "every agent to reconnect");
    const allBack = Math.max(...agents.map((a) => a.syncedAt));
    debug(`after the restart: ${agents.filter((a) => a.syncedBy === "ack").length} agents were acked as in sync, ${agents.filter((a) => a.syncedBy === "state").length} got a full state`);
    agents.forEach((a) => a.stop());
    return {
      agents: n,
      connectSeconds,
      stateP50Ms: percentile(stateLatencies, 50),
      stateP99Ms: percentile(stateLatencies, 99),
      stateMaxMs: stateLatencies[stateLatencies.length - 1] ?? Number.NaN,
      stateCommitP50Ms: percentile(stateSinceCommit, 50),
      stateCommitP99Ms: percentile(stateSinceCommit, 99),
      stateBytes,
      heapPerAgentKb: (loaded.heapUsed + loaded.external - baseline.heapUsed - baseline.external) / n / 1024,
      rssPerAgentKb: (loaded.rss - baseline.rss) / n / 1024,
      reconnectSeconds: (allBack - upAt) / 1000,
      reconnectAfterKillSeconds: (allBack - killedAt) / 1000,
    };
  } finally {
    await controlPlane.stop().catch(() => undefined);
    await fleet.drop();
  }
}

function printTable(rows: FanoutRow[]): void {
  const f = (x: number, digits = 1) => x.toFixed(digits);
  console.log(
    "| agents | connect all (s) | API call -> new state p50 / p99 / max (ms) | commit -> new state p50 / p99 (ms) | raw ws broadcast of the state's size p50 / p99 (ms) | commit -> new state p99 / raw p99 | heap+external/agent (KB) | RSS/agent (KB) | reconnected after restart (s) | from kill (s) |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.agents} | ${f(r.connectSeconds, 2)} | ${f(r.stateP50Ms)} / ${f(r.stateP99Ms)} / ${f(r.stateMaxMs)} | ${f(r.stateCommitP50Ms)} / ${f(r.stateCommitP99Ms)} | ${f(r.rawP50Ms)} / ${f(r.rawP99Ms)} (${r.stateBytes} B) | ${f(r.stateCommitP99Ms / r.rawP99Ms)}x | ${f(r.heapPerAgentKb)} | ${f(r.rssPerAgentKb)} | ${f(r.reconnectSeconds, 2)} | ${f(r.reconnectAfterKillSeconds, 2)} |`,
    );
  }
}

export async function main(sizes: number[] = DEFAULT_SIZES): Promise<void> {
  const needed = Math.max(...sizes) + 1000;
  if (openFileLimit() < needed) {
    const raised = spawnSync("prlimit", [`--nofile=${Math.max(needed, 65_536)}`, process.execPath, "--import", "tsx", fileURLToPath(import.meta.url), ...sizes.map(String)], { stdio: "inherit" });
    if (raised.status !== 0) throw new Error(`cannot raise the open-file limit to ${needed}: run \`ulimit -n ${needed}\` first`);
    return;
  }
  const rows: FanoutRow[] = [];
  for (const n of sizes) {
    const figures = await runSize(n);
    const raw = await rawBroadcast(n, figures.stateBytes);
    rows.push({ ...figures, rawP50Ms: raw.p50Ms, rawP99Ms: raw.p99Ms });
  }
  printTable(rows);
}

const isEntry = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  await main(sizes.length > 0 ? sizes : DEFAULT_SIZES);
  process.exit(0);
}
