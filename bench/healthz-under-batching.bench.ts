// /healthz under a viewer's batching attack: one signed-in viewer runs 4
// attackers at once, each sending batched GETs of `audit.list` calls back to back, while a
// prober asks /healthz every 10 ms. The control plane runs in a child process (as in
// production: the attackers' and the prober's own work does not share its event loop), on a
// database holding 5,000 audit events of the viewer's tenant.
//   npx tsx bench/healthz-under-batching.bench.ts [seconds per scenario]
// Uses DATABASE_URL's PostgreSQL when set, else embedded PGlite (in the child).
import { fork, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { TestDatabase } from "../packages/testkit/src/database.ts";
import { percentile } from "./stats.ts";

const ADMIN = { email: "bench@example.net", password: "bench password long enough" };
const VIEWER = { email: "viewer@example.net", password: "viewer password long enough" };
const AUDIT_EVENTS = 5_000;
const ATTACKERS = 4;

interface Scenario {
  name: string;
  /** Calls per batched GET; 0 = no attack. */
  batch: number;
  /** The input of every call. */
  input: Record<string, unknown>;
}

const SCENARIOS: Scenario[] = [
  { name: "no attack", batch: 0, input: {} },
  { name: "4 x batches of 250 audit.list", batch: 250, input: {} },
  { name: "4 x batches of 10 audit.list, limit 100", batch: 10, input: { limit: 100 } },
];

type ChildRequest = { cmd: "memory" } | { cmd: "stop" };
type ChildReply = { ready: { port: number } } | { memory: { rss: number; peakRss: number } } | { stopped: true };

// --- child: the control plane -------------------------------------------------------------

async function serve(): Promise<void> {
  const { createTestDatabase } = await import("../packages/testkit/src/database.ts");
  const { loadEnv } = await import("../apps/control-plane/src/env.ts");
  const { createLogger } = await import("../apps/control-plane/src/logger.ts");
  const { startControlPlane } = await import("../apps/control-plane/src/server.ts");
  const { adminCaller } = await import("./fanout-control-plane.ts");
  const db = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  const env = loadEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password });
  const plane = await startControlPlane(env, { prisma: db.prisma, logger: createLogger("silent"), print: () => undefined, webDistDir: null, startSweeper: false });
  const admin = await adminCaller(plane.app, ADMIN);
  const tenant = await admin.tenants.create({ name: "Bench tenant" });
  await admin.operators.create({ ...VIEWER, name: "Bench viewer", role: "VIEWER", tenantId: tenant.id });
  await seedAuditEvents(db.prisma, tenant.id);
  let peakRss = process.memoryUsage().rss;
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50).unref();
  const send = (reply: ChildReply) => process.send?.(reply);
  process.on("message", (message: ChildRequest) => {
    if (message.cmd === "memory") {
      const rss = process.memoryUsage().rss;
      send({ memory: { rss, peakRss: Math.max(peakRss, rss) } });
      peakRss = rss;
      return;
    }
    void plane
      .close()
      .then(() => db.drop())
      .then(() => {
        send({ stopped: true });
        process.exit(0);
      });
  });
  send({ ready: { port: plane.port } });
}

/** Audit rows the size real ones have (a traveler's settings with a few servers). */
async function seedAuditEvents(prisma: TestDatabase["prisma"], tenantId: string): Promise<void> {
  const after = { name: "Road warrior", services: ["sip", "rtp", "https"], scopeServerIds: Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`), comment: "x".repeat(300) };
  for (let i = 0; i < AUDIT_EVENTS; i += 1000) {
    await prisma.auditEvent.createMany({
      data: Array.from({ length: 1000 }, (_, j) => ({ at: new Date(Date.UTC(2026, 0, 1) + (i + j) * 1000), actor: "system", action: "traveler.updated", tenantId, targetType: "traveler", targetId: `t-${i + j}`, before: after, after })),
    });
  }
}

class ControlPlaneProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(): Promise<ControlPlaneProcess> {
    const child = fork(fileURLToPath(import.meta.url), ["--serve"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    return new Promise((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`control plane exited (${code}) before it was ready`)));
      child.on("message", (reply: ChildReply) => {
        if ("ready" in reply) resolve(new ControlPlaneProcess(child, reply.ready.port));
      });
    });
  }

  memory(): Promise<{ rss: number; peakRss: number }> {
    return new Promise((resolve) => {
      const onMessage = (reply: ChildReply) => {
        if (!("memory" in reply)) return;
        this.child.off("message", onMessage);
        resolve(reply.memory);
      };
      this.child.on("message", onMessage);
      this.child.send({ cmd: "memory" } satisfies ChildRequest);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ cmd: "stop" } satisfies ChildRequest);
    await exited;
  }
}

// --- parent: the attackers and the prober -------------------------------------------------

interface Answer {
  status: number;
  ms: number;
}

/** One GET; the body is read and thrown away (the attacker does not care what it says). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function signIn(port: number): Promise<string> {
  const body = JSON.stringify(VIEWER);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/trpc/auth.login", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve((JSON.parse(text) as { result: { data: { token: string } } }).result.data.token));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function batchPath(scenario: Scenario): string {
  const paths = Array.from({ length: scenario.batch }, () => "audit.list").join(",");
  const inputs = Object.fromEntries(Array.from({ length: scenario.batch }, (_, i) => [String(i), scenario.input]));
  return `/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
}

interface Row {
  scenario: string;
  probes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  batches: string;
  rssMb: string;
}


async function runScenario(plane: ControlPlaneProcess, token: string, scenario: Scenario, seconds: number): Promise<Row> {
  const before = await plane.memory();
  const until = performance.now() + seconds * 1000;
  const statuses = new Map<number, number>();
  const attacker = async (): Promise<void> => {
    const path = batchPath(scenario);
    while (performance.now() < until) {
      const { status } = await get(plane.port, path, { authorization: `Bearer ${token}` });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const probe = async (): Promise<number[]> => {
    const latencies: number[] = [];
    while (performance.now() < until) {
      const answer = await get(plane.port, "/healthz");
      if (answer.status === 200) latencies.push(answer.ms);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return latencies;
  };
  const attackers = scenario.batch === 0 ? [] : Array.from({ length: ATTACKERS }, attacker);
  const [latencies] = await Promise.all([probe(), ...attackers]);
  const after = await plane.memory();
  latencies.sort((a, b) => a - b);
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  return {
    scenario: scenario.name,
    probes: latencies.length,
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    maxMs: Number((latencies[latencies.length - 1] ?? Number.NaN).toFixed(1)),
    batches: [...statuses].map(([status, count]) => `${count}x${status}`).join(" ") || "-",
    rssMb: `${mb(before.rss)} -> peak ${mb(after.peakRss)}`,
  };
}

export async function main(seconds = 8): Promise<void> {
  const plane = await ControlPlaneProcess.start();
  try {
    const token = await signIn(plane.port);
    const rows: Row[] = [];
    for (const scenario of SCENARIOS) rows.push(await runScenario(plane, token, scenario, seconds));
    console.log(`${AUDIT_EVENTS} audit events, ${ATTACKERS} attackers with one viewer's token, ${seconds} s per scenario; /healthz every 10 ms`);
    console.table(rows);
  } finally {
    await plane.stop();
  }
}

if (process.argv[2] === "--serve") await serve();
else if (import.meta.url === `file://${process.argv[1]}`) await main(Number(process.argv[2] ?? 8));
