// Removal -> open flow cut: an address with a live UDP flow and a held TCP connection to SIP
// (each sending every 20 ms to an echo in the PBX) is removed through the API; measured is the
// time from the API call to the last echo either flow gets (the cut falls within one 20 ms
// keep-alive after it), next to the time until the agent's report of the new revision. ONE real
// agent process, iptables+ipset or nftables, inside a network namespace; p50 / p95 / max.
//   npx tsx bench/revocation-to-cut.bench.ts [rounds]      (root: network namespaces, conntrack)
// Uses DATABASE_URL's PostgreSQL when set, else embedded PGlite.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { netnsCapability } from "../packages/testkit/src/capability.ts";
import { createTestDatabase } from "../packages/testkit/src/database.ts";
import { NetnsLab } from "../packages/testkit/src/netns.ts";
import { startTalker, type Talker } from "../packages/testkit/src/talker.ts";
import { loadEnv } from "../apps/control-plane/src/env.ts";
import { agentHubExtension, closeAgentHub } from "../apps/control-plane/src/hub/agent-hub-extension.ts";
import { createLogger } from "../apps/control-plane/src/logger.ts";
import { startControlPlane } from "../apps/control-plane/src/server.ts";
import { adminCaller } from "./fanout-control-plane.ts";
import { percentile } from "./stats.ts";

const AGENT_BIN = fileURLToPath(new URL("../apps/agent/bin/gatehouse-agent.mjs", import.meta.url));
const ADMIN = { email: "bench@example.net", password: "bench password long enough" };
const SIP = 5060;
const INTERVAL_MS = 20;

interface Row {
  backend: string;
  rounds: number;
  flowsCut: number;
  cut: number[];
  reported: number[];
}

function runToEnd(args: string[]): Promise<number | null> {
  return new Promise((resolve) => spawn(process.execPath, [AGENT_BIN, ...args], { stdio: "ignore" }).on("exit", resolve));
}


async function untilSilent(talkers: Talker[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!talkers.every((talker) => talker.silentFor(10 * INTERVAL_MS))) {
    if (Date.now() > deadline) throw new Error("the removed address's flows were not cut within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function measure(backend: "iptables" | "nftables", rounds: number): Promise<Row> {
  const db = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  const waiters = new Map<number, () => void>();
  let flowsCut = 0;
  const plane = await startControlPlane(loadEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password }), {
    prisma: db.prisma,
    logger: createLogger("silent"),
    print: () => undefined,
    webDistDir: null,
    extensions: [
      agentHubExtension({
        onReport: (_serverId, report) => {
          flowsCut += report.flowsCut ?? 0;
          waiters.get(report.appliedRevision)?.();
        },
      }),
    ],
  });
  const lab = await NetnsLab.create({ label: backend === "iptables" ? "ri" : "rn", hosts: ["pbx", "phone"] });
  await lab.echoUdp("pbx", [SIP]);
  await lab.echoTcp("pbx", [SIP]);
  const stateDir = await mkdtemp(join(tmpdir(), "gatehouse-bench-"));
  let agent: ChildProcess | null = null;
  const talkers: Talker[] = [];
  try {
    const admin = await adminCaller(plane.app, ADMIN);
    const tenant = await admin.tenants.create({ name: "Bench" });
    const { server, enrollment } = await admin.servers.create({ tenantId: tenant.id, name: "pbx-bench", primaryAdminSource: "203.0.113.10" });
    if ((await runToEnd(["--state-dir", stateDir, "enroll", "--url", plane.url, "--token", enrollment.token])) !== 0) throw new Error("enrollment failed");
    const reported = (revision: number) => new Promise<void>((resolve) => waiters.set(revision, resolve));
    const nextRevision = async () => (await db.prisma.server.findUniqueOrThrow({ where: { id: server.id }, select: { revision: true } })).revision + 1;
    const first = reported(server.revision);
    agent = spawn(process.execPath, [AGENT_BIN, "--state-dir", stateDir, "run", "--backend", backend, "--netns", lab.host("pbx").netns], {
      stdio: "ignore",
      env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" },
    });
    await first;
    const row: Row = { backend, rounds, flowsCut: 0, cut: [], reported: [] };
    const pbx = lab.host("pbx").ipv4;
    for (let round = 0; round < rounds; round += 1) {
      const added = reported(await nextRevision());
      const { id } = await admin.entries.add({ source: lab.host("phone").ipv4, services: ["sip"], scope: { kind: "SERVER", serverId: server.id } });
      await added;
      const flows = await Promise.all((["udp", "tcp"] as const).map((kind) => startTalker(lab, "phone", kind, pbx, SIP, { intervalMs: INTERVAL_MS })));
      talkers.push(...flows);
      const removed = reported(await nextRevision());
      const start = Date.now();
      await admin.entries.remove({ entryId: id });
      await removed;
      row.reported.push(Date.now() - start);
      await untilSilent(flows);
      row.cut.push(Math.max(...flows.map((flow) => flow.lastAnswerAt ?? start)) - start);
      await Promise.all(flows.map((flow) => flow.stop()));
    }
    row.flowsCut = flowsCut;
    return row;
  } finally {
    await Promise.all(talkers.map((talker) => talker.stop()));
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

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(0)} | ${percentile(sorted, 95).toFixed(0)} | ${(sorted[sorted.length - 1] ?? Number.NaN).toFixed(0)}`;
};

export async function main(rounds = 10): Promise<void> {
  const capability = netnsCapability(["iptables", "ipset", "nft", "conntrack"]);
  if (!capability.ok) {
    console.log(`skipped: ${capability.reason}`);
    return;
  }
  const rows = [await measure("iptables", rounds), await measure("nftables", rounds)];
  console.log(`| backend | rounds | flows reported cut (sum; entries of earlier rounds linger and count again) | API removal -> last echo of the cut flows: p50 (ms) | p95 (ms) | max (ms) | API removal -> applied revision reported: p50 (ms) | p95 (ms) | max (ms) |`);
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.backend} | ${r.rounds} | ${r.flowsCut} | ${stats(r.cut)} | ${stats(r.reported)} |`);
  console.log(`(flows send every ${INTERVAL_MS} ms: the cut falls within ${INTERVAL_MS} ms after the last echo)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(Number(process.argv[2] ?? 10) || 10);
  process.exit(0);
}
