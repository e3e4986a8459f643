// The control plane side of bench/fanout.bench.ts: a bench database with N enrolled servers
// (credentials written straight into the database, for speed), and the real control plane
// serving them in the child process, changed through its real tRPC procedures.
import { randomBytes, createHash } from "node:crypto";
import type { Server } from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createTestDatabase } from "../packages/testkit/src/database.ts";
import { createCaller } from "../apps/control-plane/src/api/router.ts";
import type { ApiContext } from "../apps/control-plane/src/api/trpc.ts";
import { authenticateBearer } from "../apps/control-plane/src/auth/authenticate.ts";
import type { ControlPlaneApp } from "../apps/control-plane/src/app.ts";
import { loadEnv } from "../apps/control-plane/src/env.ts";
import { agentHubExtension } from "../apps/control-plane/src/hub/agent-hub-extension.ts";
import { startControlPlane } from "../apps/control-plane/src/server.ts";

export interface BenchFleet {
  databaseUrl: string;
  credentials: string[];
  drop(): Promise<void>;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export async function seedBenchFleet(serverUrl: string, n: number): Promise<BenchFleet> {
  process.env.DATABASE_URL = serverUrl;
  const db = await createTestDatabase("postgres");
  const tenant = await db.prisma.tenant.create({ data: { name: "Bench MSP customer" } });
  const credentials = Array.from({ length: n }, () => randomBytes(32).toString("base64url"));
  for (let i = 0; i < n; i += 1000) {
    await db.prisma.server.createMany({
      data: credentials.slice(i, i + 1000).map((credential, j) => ({
        tenantId: tenant.id,
        name: `pbx-${String(i + j).padStart(5, "0")}`,
        primaryAdminSource: "198.51.100.1",
        agentCredentialHash: sha256(credential),
      })),
    });
  }
  return { databaseUrl: db.url!, credentials, drop: () => db.drop() };
}

export interface BenchControlPlane {
  port: number;
  /**
   * One operator change through the real API that affects every server (a fleet-wide entry):
   * the new revision and when its commit was published on the bus (epoch ms, sub-ms precision).
   */
  mutateFleet(): Promise<{ revision: number; publishedAt: number }>;
  stop(): Promise<void>;
}

const ADMIN = { email: "bench@example.net", password: "bench password long enough" };

/** The real tRPC procedures, called in-process as the signed-in MSP admin. */
export async function adminCaller(app: ControlPlaneApp, admin: { email: string; password: string }) {
  const context = (actor: ApiContext["actor"]): ApiContext => ({ app, actor, clientAddress: "127.0.0.1", deviceSecret: null, responseCookies: [], secureCookies: false });
  const { token } = await createCaller(context(null)).auth.login(admin);
  return createCaller(context(await authenticateBearer(app.prisma, token, app.now())));
}

/** The real control plane (startControlPlane + the agent hub extension) on the bench database. */
export async function startBenchControlPlane(databaseUrl: string, port: number): Promise<BenchControlPlane> {
  const env = loadEnv({
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    GATEHOUSE_ADMIN_EMAIL: ADMIN.email,
    GATEHOUSE_ADMIN_PASSWORD: ADMIN.password,
  });
  const plane = await startControlPlane(env, { extensions: [agentHubExtension()], webDistDir: null, print: () => undefined });
  const app = plane.app;
  if (process.env.BENCH_LOOP) watchLoop(plane.server, plane.port);
  const admin = await adminCaller(app, ADMIN);
  let mutations = 0;
  let publishedAt = 0;
  app.bus.subscribe(() => {
    if (publishedAt === 0) publishedAt = performance.timeOrigin + performance.now();
  });
  return {
    port: plane.port,
    mutateFleet: async () => {
      mutations += 1;
      publishedAt = 0;
      await admin.entries.add({ source: `198.51.100.${mutations}`, services: ["sip"], scope: { kind: "FLEET" }, comment: "fan-out bench" });
      const { _max } = await app.prisma.server.aggregate({ _max: { revision: true } });
      return { revision: _max.revision ?? 0, publishedAt };
    },
    stop: () => plane.close(),
  };
}

/**
 * BENCH_LOOP=1: every second, what the replica accepted and upgraded, and how busy its event
 * loop was. A Node process accepts one connection per turn of its loop (libuv >= 1.45), so a
 * replica whose loop is saturated accepts slowly whatever its listen backlog.
 */
function watchLoop(server: Server, port: number): void {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let accepted = 0;
  let upgrades = 0;
  server.on("connection", () => (accepted += 1));
  server.on("upgrade", () => (upgrades += 1));
  let elu = performance.eventLoopUtilization();
  const started = Date.now();
  setInterval(() => {
    const now = performance.eventLoopUtilization(elu);
    elu = performance.eventLoopUtilization();
    if (accepted > 0) console.error(`[loop ${port}] t=${((Date.now() - started) / 1000).toFixed(0)} accepted=${accepted} upgrades=${upgrades} elu=${now.utilization.toFixed(2)} delayMax=${(delay.max / 1e6).toFixed(0)}ms p50=${(delay.percentile(50) / 1e6).toFixed(1)}ms`);
    accepted = 0;
    upgrades = 0;
    delay.reset();
  }, 1000).unref();
}

// --- the child process (forked by fanout-sim.ts's ControlPlaneProcess) -----------------------

export type ChildRequest = { cmd: "memory" } | { cmd: "cpu" } | { cmd: "mutate" } | { cmd: "stop" };
export type Mutated = { revision: number; publishedAt: number };
export type Memory = { heapUsed: number; external: number; rss: number };
export type ChildReply = { ready: { port: number } } | { memory: Memory } | { cpuMs: number } | { mutated: Mutated } | { stopped: true };

async function serveControlPlane(databaseUrl: string, port: number): Promise<void> {
  const controlPlane: BenchControlPlane = await startBenchControlPlane(databaseUrl, port);
  const send = (reply: ChildReply) => process.send?.(reply);
  process.on("message", (request: ChildRequest) => {
    void (async () => {
      if (request.cmd === "cpu") {
        const { user, system } = process.cpuUsage();
        send({ cpuMs: (user + system) / 1000 });
      } else if (request.cmd === "memory") {
        for (let i = 0; i < 3; i += 1) global.gc?.();
        const { heapUsed, external, rss } = process.memoryUsage();
        send({ memory: { heapUsed, external, rss } });
      } else if (request.cmd === "mutate") {
        send({ mutated: await controlPlane.mutateFleet() });
      } else {
        await controlPlane.stop();
        send({ stopped: true });
        process.exit(0);
      }
    })();
  });
  send({ ready: { port: controlPlane.port } });
}


const isEntry = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry && process.argv[2] === "--serve") await serveControlPlane(process.argv[3] ?? "", Number(process.argv[4] ?? 0));
