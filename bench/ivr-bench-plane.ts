// What the IVR benchmarks share: a real control plane (HTTP, hub, travelers extension with its
// FastAGI server) on PostgreSQL, one traveler, and a real agent (AgentRuntime) connected over
// WebSocket that enforces with the dry-run backend or, in a network namespace this creates and
// deletes (root only), with iptables or nftables. Not a benchmark itself (no .bench.ts).
import { createHash, randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { createTestDatabase } from "../packages/testkit/src/database.ts";
import { loadEnv } from "../apps/control-plane/src/env.ts";
import { agentHubExtension } from "../apps/control-plane/src/hub/agent-hub-extension.ts";
import { createLogger } from "../apps/control-plane/src/logger.ts";
import { startControlPlane } from "../apps/control-plane/src/server.ts";
import { travelersExtension } from "../apps/control-plane/src/travelers/extension.ts";
import { FqdnResolver } from "../apps/agent/src/dns/fqdn-resolver.ts";
import { CommandRunner, DryRunBackend, IptablesBackend, NftablesBackend, type FirewallBackend } from "../apps/agent/src/firewall/index.ts";
import { saveAgentConfig, statePaths } from "../apps/agent/src/state/state-dir.ts";
import { AgentRuntime } from "../apps/agent/src/sync/agent-runtime.ts";
import { adminCaller } from "./fanout-control-plane.ts";
import { percentile } from "./stats.ts";

export const BENCH_AGI_SECRET = "bench-agi-secret-long-enough";
export const BENCH_PIN = "135790";
const NETNS = "gh-bench-ivr";
const ADMIN = { email: "bench@example.net", password: "bench password long enough" };

export type BackendName = "dry-run" | "iptables" | "nftables";

export interface IvrBenchPlane {
  agiPort: number;
  accountNumber: string;
  /** The server's desired revision now. */
  revision(): Promise<number>;
  /** Resolves once the agent has reported a revision above `revision`. */
  appliedAbove(revision: number): Promise<void>;
  close(): Promise<void>;
}

export function parseBackend(argv: string[]): BackendName {
  const at = argv.indexOf("--backend");
  const backend = (at >= 0 ? argv[at + 1] : "dry-run") as BackendName;
  if (!["dry-run", "iptables", "nftables"].includes(backend)) throw new Error(`unknown backend ${backend}`);
  return backend;
}

/** A `| name | p50 | p90 | max |` row, in ms. */
export function tableRow(name: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `| ${name} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 90).toFixed(1)} | ${(sorted.at(-1) ?? NaN).toFixed(1)} |`;
}

/** A port free right now, for FastAGI (so the bench needs no accessor for the one it picked). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function ip(...args: string[]): void {
  const result = spawnSync("ip", args, { stdio: "pipe" });
  if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr.toString().trim()}`);
}

function makeBackend(name: BackendName): FirewallBackend {
  if (name === "dry-run") return new DryRunBackend();
  const runner = new CommandRunner({ netns: NETNS });
  return name === "iptables" ? new IptablesBackend({ runner }) : new NftablesBackend({ runner });
}

/** Null when the backend needs root and this is not root (the caller says it skipped). */
export async function startIvrBenchPlane(backend: BackendName): Promise<IvrBenchPlane | null> {
  if (backend !== "dry-run") {
    if (process.getuid?.() !== 0) return null;
    spawnSync("ip", ["netns", "del", NETNS], { stdio: "ignore" });
    ip("netns", "add", NETNS);
  }
  process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";
  const db = await createTestDatabase("postgres");
  const stateDir = await mkdtemp(join(tmpdir(), "gh-bench-ivr-"));
  const agiPort = await freePort();
  const env = loadEnv({
    PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", AGI_HOST: "127.0.0.1", AGI_PORT: String(agiPort), AGI_SECRET: BENCH_AGI_SECRET, AGI_ALLOWED_ADDRESSES: "127.0.0.1",
    ALLOW_DOCUMENTATION_ADDRESSES: "true", GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password,
    DATA_DIR: stateDir,
  });
  const plane = await startControlPlane(env, {
    prisma: db.prisma, logger: createLogger("silent"), print: () => undefined, webDistDir: null,
    extensions: [agentHubExtension(), travelersExtension()],
  });
  let agent: AgentRuntime | null = null;
  const close = async () => {
    await agent?.stop();
    await plane.close();
    await db.drop();
    await rm(stateDir, { recursive: true, force: true });
    if (backend !== "dry-run") spawnSync("ip", ["netns", "del", NETNS], { stdio: "ignore" });
  };
  try {
    const tenant = await db.prisma.tenant.create({ data: { name: "Bench" } });
    const credential = randomBytes(32).toString("base64url");
    const server = await db.prisma.server.create({
      data: { tenantId: tenant.id, name: "pbx-bench", primaryAdminSource: "198.51.100.1", agentCredentialHash: createHash("sha256").update(credential).digest("hex") },
    });
    const admin = await adminCaller(plane.app, ADMIN);
    const { traveler } = await admin.travelers.create({
      tenantId: tenant.id, pin: BENCH_PIN, name: "Bench traveler", email: "bench@road.example",
      services: ["sip", "rtp"], grantLifetimeHours: 1, maxActiveGrants: 50,
    });
    const paths = statePaths(stateDir);
    const config = { url: plane.url, serverId: server.id, credential };
    await saveAgentConfig(paths, config);
    agent = new AgentRuntime({
      config, paths, backend: makeBackend(backend),
      lookup: new FqdnResolver({ servers: ["127.0.0.1"], timeoutMs: 200, tries: 1 }),
      logger: createLogger("silent"),
      commitConfirmMs: 30_000, driftIntervalMs: 60_000, heartbeatTimeoutMs: 60_000,
      ttlClamp: { minSeconds: 30, maxSeconds: 3600 }, backoff: { baseMs: 100, capMs: 1000 },
    });
    await agent.start();
    const row = () => db.prisma.server.findUniqueOrThrow({ where: { id: server.id }, select: { revision: true, appliedRevision: true } });
    const appliedAbove = async (revision: number) => {
      while (((await row()).appliedRevision ?? 0) <= revision) await new Promise((resolve) => setTimeout(resolve, 1));
    };
    await appliedAbove((await row()).revision - 1);
    return { agiPort, accountNumber: traveler.accountNumber, revision: async () => (await row()).revision, appliedAbove, close };
  } catch (error) {
    await close();
    throw error;
  }
}
