// Mutation -> applied: the time from an operator's API call (allow an address on one server)
// to the control plane holding that server's report of the new revision, for ONE real agent
// process enforcing iptables+ipset or nftables inside a network namespace. Each round adds or
// removes an address, alternately; p50 / p95 / max over the rounds, per backend.
//   npx tsx bench/mutation-to-applied.bench.ts [rounds]      (root: network namespaces)
// Uses DATABASE_URL's PostgreSQL when set, else embedded PGlite.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { netnsCapability } from "../packages/testkit/src/capability.ts";
import { createTestDatabase } from "../packages/testkit/src/database.ts";
import { NetnsLab } from "../packages/testkit/src/netns.ts";
import { loadEnv } from "../apps/control-plane/src/env.ts";
import { agentHubExtension, closeAgentHub } from "../apps/control-plane/src/hub/agent-hub-extension.ts";
import { createLogger } from "../apps/control-plane/src/logger.ts";
import { startControlPlane } from "../apps/control-plane/src/server.ts";
import { adminCaller } from "./fanout-control-plane.ts";
import { percentile } from "./stats.ts";

const AGENT_BIN = fileURLToPath(new URL("../apps/agent/bin/gatehouse-agent.mjs", import.meta.url));
const ADMIN = { email: "bench@example.net", password: "bench password long enough" };

interface Row {
  backend: string;
  rounds: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function runToEnd(args: string[]): Promise<number | null> {
  return new Promise((resolve) => spawn(process.execPath, [AGENT_BIN, ...args], { stdio: "ignore" }).on("exit", resolve));
}


async function measure(backend: "iptables" | "nftables", rounds: number): Promise<Row> {
  const db = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  const waiters = new Map<number, () => void>();
  const plane = await startControlPlane(loadEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password }), {
    prisma: db.prisma,
    logger: createLogger("silent"),
    print: () => undefined,
    webDistDir: null,
    extensions: [agentHubExtension({ onReport: (_serverId, report) => waiters.get(report.appliedRevision)?.() })],
  });
  const lab = await NetnsLab.create({ label: backend === "iptables" ? "bi" : "bn", hosts: ["pbx"] });
  const stateDir = await mkdtemp(join(tmpdir(), "gatehouse-bench-"));
  let agent: ChildProcess | null = null;
  try {
    const admin = await adminCaller(plane.app, ADMIN);
    const tenant = await admin.tenants.create({ name: "Bench" });
    const { server, enrollment } = await admin.servers.create({ tenantId: tenant.id, name: "pbx-bench", primaryAdminSource: "203.0.113.10" });
    if ((await runToEnd(["--state-dir", stateDir, "enroll", "--url", plane.url, "--token", enrollment.token])) !== 0) throw new Error("enrollment failed");
    const reported = (revision: number) => new Promise<void>((resolve) => waiters.set(revision, resolve));
    const first = reported(server.revision);
    agent = spawn(process.execPath, [AGENT_BIN, "--state-dir", stateDir, "run", "--backend", backend, "--netns", lab.host("pbx").netns], {
      stdio: "ignore",
      env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" },
    });
    await first;
    const latencies: number[] = [];
    let entryId: string | null = null;
    for (let round = 0; round < rounds; round += 1) {
      const { revision } = await db.prisma.server.findUniqueOrThrow({ where: { id: server.id }, select: { revision: true } });
      const applied = reported(revision + 1);
      const start = performance.now();
      if (entryId === null) entryId = (await admin.entries.add({ source: "198.51.100.44", services: ["sip"], scope: { kind: "SERVER", serverId: server.id } })).id;
      else entryId = (await admin.entries.remove({ entryId }), null);
      await applied;
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);
    return { backend, rounds, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), maxMs: latencies[latencies.length - 1] ?? Number.NaN };
  } finally {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((resolve) => agent!.once("exit", resolve));
      agent.kill("SIGTERM");
      await exited;
    }
    await runToEnd(["--state-dir", stateDir, "uninstall", "--backend", backend, "--netns", lab.host("pbx").netns]);
    await lab.destroy();
    await closeAgentHub(plane.app);
    await plane.close();
    await db.drop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

export async function main(rounds = 20): Promise<void> {
  const capability = netnsCapability(["iptables", "ipset", "nft"]);
  if (!capability.ok) {
    console.log(`skipped: ${capability.reason}`);
    return;
  }
  const rows = [await measure("iptables", rounds), await measure("nftables", rounds)];
  console.log("| backend | rounds | API call -> applied revision reported: p50 (ms) | p95 (ms) | max (ms) |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.backend} | ${r.rounds} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.maxMs.toFixed(1)} |`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(Number(process.argv[2] ?? 20) || 20);
  process.exit(0);
}
