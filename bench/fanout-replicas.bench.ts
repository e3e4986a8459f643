// Fan-out across replicas: N simulated agents spread evenly over R control-plane processes on
// one real PostgreSQL (each agent tries the replicas in its own random order, as the real
// agent's url-rotation.ts does). Measures:
//   - one fleet-wide change made through replica 1 -> time until every agent, on every replica,
//     holds the new state (p50 / p99 / max), from the API call and from the commit;
//   - control-plane memory per connected agent, per replica (heap + external after GC);
//   - failover: replica 2 is killed (SIGKILL) and a change is made at once through replica 1;
//     time from the kill until every agent that was on replica 2 is on another one and holds
//     that change (p99 / max), and where that time went: when the attempt that got through
//     began (the agent noticed the loss and waited its backoff) and when its socket opened (the
//     survivor accepted and upgraded it). Agents use the real agent's backoff, connect timeout
//     and URL rotation. BENCH_LOOP=1 prints each replica's accepts, upgrades, event-loop
//     utilisation and delay every second. The table also gives the survivors' CPU (user + system,
//     all of them) from the kill until every moved agent held the change, per moved agent: what
//     a replica's failover costs the others, apart from how busy the machine was.
// Targets: 40,000 agents over 4 replicas <= 2 s p99; <= 16 KB per agent; the 10,000 agents of a
// dead replica on the others with the new state within 5 s. The agents run in load-generator
// processes of 10,000 each (fanout-load.ts): one process may hold 20,000 descriptors here.
//   npx tsx bench/fanout-replicas.bench.ts [agents replicas]   (default 40000 4; needs PostgreSQL)
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { seedBenchFleet } from "./fanout-control-plane.ts";
import { LoadGenerator, type HeldTimes } from "./fanout-load.ts";
import { ControlPlaneProcess, openFileLimit } from "./fanout-sim.ts";
import { percentile } from "./stats.ts";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

interface ReplicaRow {
  agents: number;
  replicas: number;
  stateP50Ms: number;
  stateP99Ms: number;
  stateMaxMs: number;
  commitP99Ms: number;
  kbPerAgent: number[];
  failoverAgents: number;
  failoverP99S: number;
  failoverMaxS: number;
  /** The survivors' CPU (all of them, user + system) from the kill until every moved agent held the change, per moved agent. */
  survivorsCpuMsPerMoved: number;
  /** p50 / p99 seconds from the kill: the attempt that got through began; its socket opened. */
  attemptS: [number, number];
  openedS: [number, number];
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

/** At most this many simulated agents per load-generator process (fd limit 20,000 per process). */
const AGENTS_PER_GENERATOR = 10_000;

async function run(n: number, r: number): Promise<ReplicaRow> {
  const fleet = await seedBenchFleet(DATABASE_URL, n);
  const planes: ControlPlaneProcess[] = [];
  const generators: LoadGenerator[] = [];
  try {
    planes.push(await ControlPlaneProcess.start(fleet.databaseUrl)); // first: it creates the admin
    planes.push(...(await Promise.all(Array.from({ length: r - 1 }, () => ControlPlaneProcess.start(fleet.databaseUrl)))));
    const urls = planes.map((plane) => `http://127.0.0.1:${plane.port}`);
    const baselines = await Promise.all(planes.map((plane) => plane.memory()));
    for (let offset = 0; offset < n; offset += AGENTS_PER_GENERATOR) {
      const generator = LoadGenerator.start();
      generators.push(generator);
      await generator.connect(urls, fleet.credentials.slice(offset, offset + AGENTS_PER_GENERATOR));
    }
    const loaded = await Promise.all(planes.map((plane) => plane.memory()));
    const perReplica = n / r;
    const kbPerAgent = loaded.map((memory, i) => (memory.heapUsed + memory.external - (baselines[i]?.heapUsed ?? 0) - (baselines[i]?.external ?? 0)) / perReplica / 1024);

    const start = epochNow();
    const change = await planes[0]!.mutate();
    const held = (await Promise.all(generators.map((generator) => generator.heldAt(change.revision, "all")))).flat().map((times) => times.stateAt);
    const fromCall = sorted(held.map((at) => at - start));
    const fromCommit = sorted(held.map((at) => at - change.publishedAt));

    const orphans = (await Promise.all(generators.map((generator) => generator.mark(urls[1]!)))).reduce((a, b) => a + b, 0);
    const killedAt = epochNow();
    await planes[1]!.kill();
    planes.splice(1, 1);
    const cpuBefore = await Promise.all(planes.map((plane) => plane.cpuMs()));
    const next = await planes[0]!.mutate();
    const moved = (await Promise.all(generators.map((generator) => generator.heldAt(next.revision, "marked")))).flat();
    const cpuAfter = await Promise.all(planes.map((plane) => plane.cpuMs()));
    const survivorsCpuMs = cpuAfter.reduce((sum, after, i) => sum + after - (cpuBefore[i] ?? 0), 0);
    const sinceKill = (pick: (times: HeldTimes) => number) => sorted(moved.map((times) => (pick(times) - killedAt) / 1000));
    const failover = sinceKill((times) => times.stateAt);
    const attempted = sinceKill((times) => times.attemptAt);
    const opened = sinceKill((times) => times.openedAt);
    return {
      agents: n,
      replicas: r,
      stateP50Ms: percentile(fromCall, 50),
      stateP99Ms: percentile(fromCall, 99),
      stateMaxMs: fromCall.at(-1) ?? Number.NaN,
      commitP99Ms: percentile(fromCommit, 99),
      kbPerAgent,
      failoverAgents: orphans,
      failoverP99S: percentile(failover, 99),
      failoverMaxS: failover.at(-1) ?? Number.NaN,
      survivorsCpuMsPerMoved: survivorsCpuMs / orphans,
      attemptS: [percentile(attempted, 50), percentile(attempted, 99)],
      openedS: [percentile(opened, 50), percentile(opened, 99)],
    };
  } finally {
    await Promise.all(generators.map((generator) => generator.stop()));
    await Promise.all(planes.map((plane) => plane.stop().catch(() => undefined)));
    await fleet.drop();
  }
}

const epochNow = () => performance.timeOrigin + performance.now();

function printRow(row: ReplicaRow): void {
  const f = (x: number, digits = 1) => x.toFixed(digits);
  const pair = ([p50, p99]: [number, number]) => `${f(p50, 2)} / ${f(p99, 2)}`;
  console.log("| agents | replicas | API call -> new state everywhere p50 / p99 / max (ms) | commit -> new state p99 (ms) | heap+external per agent, per replica (KB) | a replica killed: its agents | kill -> on another replica with the new change p99 / max (s) | kill -> the attempt that got through began, p50 / p99 (s) | kill -> its socket open (accepted and upgraded), p50 / p99 (s) | survivors' CPU meanwhile, per moved agent (ms) |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  console.log(
    `| ${row.agents} | ${row.replicas} | ${f(row.stateP50Ms)} / ${f(row.stateP99Ms)} / ${f(row.stateMaxMs)} | ${f(row.commitP99Ms)} | ${row.kbPerAgent.map((kb) => f(kb)).join(" / ")} | ${row.failoverAgents} | ${f(row.failoverP99S, 2)} / ${f(row.failoverMaxS, 2)} | ${pair(row.attemptS)} | ${pair(row.openedS)} | ${f(row.survivorsCpuMsPerMoved, 2)} |`,
  );
}

export async function main(n = 40_000, r = 4): Promise<void> {
  // Each process holds at most one replica's agents (or a generator's), plus a failed replica's share.
  const needed = Math.min(n, Math.max(AGENTS_PER_GENERATOR, Math.ceil((n / r) * (r / (r - 1))))) + 1000;
  if (openFileLimit() < needed) {
    const args = [`--nofile=${Math.max(needed, 65_536)}`, process.execPath, "--import", "tsx", fileURLToPath(import.meta.url), String(n), String(r)];
    const raised = spawnSync("prlimit", args, { stdio: "inherit" });
    if (raised.status !== 0) throw new Error(`cannot raise the open-file limit to ${needed}: run \`ulimit -n ${needed}\` first`);
    return;
  }
  printRow(await run(n, r));
}

const isEntry = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  const [n, r] = process.argv.slice(2).map(Number);
  await main(n !== undefined && n > 0 ? n : undefined, r !== undefined && r > 1 ? r : undefined);
  process.exit(0);
}
