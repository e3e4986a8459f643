// From the traveler's confirming key press to the agent reporting the grant applied.
// A real control plane (HTTP, hub, travelers extension with its FastAGI server) on PostgreSQL, a
// real agent (AgentRuntime) connected over WebSocket, and a test client speaking Asterisk's
// side of AGI. Each call: account, PIN, a new address, then "1"; the clock starts when the
// client answers that GET DATA with 1, and stops when the control plane has stored the agent's
// report of the revision the grant produced. Also shown: key press -> grant committed (the IVR
// asks Asterisk to play "granted-until" right after the commit) and commit -> applied.
//   npx tsx bench/ivr-to-applied.bench.ts [calls] [--backend dry-run|iptables|nftables]
// dry-run (default) applies nothing; iptables/nftables apply for real inside a network
// namespace the bench creates and deletes (root only).
import { createHash, randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createTestDatabase } from "../packages/testkit/src/database.ts";
import { loadEnv } from "../apps/control-plane/src/env.ts";
import { agentHubExtension } from "../apps/control-plane/src/hub/agent-hub-extension.ts";
import { createLogger } from "../apps/control-plane/src/logger.ts";
import { startControlPlane } from "../apps/control-plane/src/server.ts";
import { createTraveler } from "../apps/control-plane/src/travelers/accounts.ts";
import { travelersExtension } from "../apps/control-plane/src/travelers/extension.ts";
import { placeAsteriskCall } from "../apps/control-plane/test/ivr-asterisk.ts";
import { FqdnResolver } from "../apps/agent/src/dns/fqdn-resolver.ts";
import { CommandRunner, DryRunBackend, IptablesBackend, NftablesBackend, type FirewallBackend } from "../apps/agent/src/firewall/index.ts";
import { saveAgentConfig, statePaths } from "../apps/agent/src/state/state-dir.ts";
import { AgentRuntime } from "../apps/agent/src/sync/agent-runtime.ts";

const SECRET = "bench-agi-secret-long-enough";
const PIN = "135790";
const NETNS = "gh-bench-ivr";

type BackendName = "dry-run" | "iptables" | "nftables";

function parseArgs(argv: string[]): { calls: number; backend: BackendName } {
  const backendAt = argv.indexOf("--backend");
  const backend = (backendAt >= 0 ? argv[backendAt + 1] : "dry-run") as BackendName;
  if (!["dry-run", "iptables", "nftables"].includes(backend)) throw new Error(`unknown backend ${backend}`);
  const calls = Number(argv.find((arg) => /^\d+$/.test(arg)) ?? 30);
  return { calls, backend };
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { calls, backend } = parseArgs(argv);
  if (backend !== "dry-run") {
    if (process.getuid?.() !== 0) {
      console.log(`--backend ${backend} needs root (a network namespace); skipped`);
      return;
    }
    spawnSync("ip", ["netns", "del", NETNS], { stdio: "ignore" });
    ip("netns", "add", NETNS);
  }
  process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";
  const db = await createTestDatabase("postgres");
  const stateDir = await mkdtemp(join(tmpdir(), "gh-bench-ivr-"));
  const env = loadEnv({
    PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", AGI_HOST: "127.0.0.1", AGI_PORT: "0", AGI_SECRET: SECRET, AGI_ALLOWED_ADDRESSES: "127.0.0.1",
    ALLOW_DOCUMENTATION_ADDRESSES: "true", GATEHOUSE_ADMIN_EMAIL: "bench@example.net", GATEHOUSE_ADMIN_PASSWORD: "bench password long enough",
    DATA_DIR: stateDir,
  });
  const plane = await startControlPlane(env, {
    prisma: db.prisma,
    logger: createLogger("silent"),
    print: () => undefined,
    webDistDir: null,
    extensions: [agentHubExtension(), travelersExtension()],
  });
  let agent: AgentRuntime | null = null;
  try {
    const tenant = await db.prisma.tenant.create({ data: { name: "Bench" } });
    const credential = randomBytes(32).toString("base64url");
    const server = await db.prisma.server.create({
      data: { tenantId: tenant.id, name: "pbx-bench", primaryAdminSource: "198.51.100.1", agentCredentialHash: createHash("sha256").update(credential).digest("hex") },
    });
    const { traveler } = await createTraveler(plane.app.travelers, "system", {
      tenantId: tenant.id, pin: PIN, name: "Bench traveler", email: "bench@road.example",
      scopeGroups: [], scopeServerIds: [], services: ["sip", "rtp"], grantLifetimeHours: 1, maxActiveGrants: 50, enabled: true,
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
    const appliedRevision = async () => (await db.prisma.server.findUniqueOrThrow({ where: { id: server.id }, select: { appliedRevision: true } })).appliedRevision ?? 0;
    const initial = (await db.prisma.server.findUniqueOrThrow({ where: { id: server.id } })).revision;
    while ((await appliedRevision()) < initial) await new Promise((resolve) => setTimeout(resolve, 10));

    const agiPort = plane.app.fastAgiPort ?? 0;
    const total: number[] = [];
    const toCommit: number[] = [];
    const toApplied: number[] = [];
    for (let call = 0; call < calls; call += 1) {
      const before = (await db.prisma.server.findUniqueOrThrow({ where: { id: server.id } })).revision;
      let pressedAt = 0;
      let committedAt = 0;
      await placeAsteriskCall({
        port: agiPort, secret: SECRET, callerId: "+15550001000",
        keypad: [`${traveler.accountNumber}#`, `${PIN}#`, `203*0*113*${(call % 250) + 1}#`, "1#"],
        onCommand: (command) => {
          if (command.startsWith("GET DATA gatehouse/confirm-or-reenter")) pressedAt = performance.now();
          if (command.startsWith("STREAM FILE gatehouse/granted-until") && committedAt === 0) committedAt = performance.now();
        },
      });
      while ((await appliedRevision()) <= before) await new Promise((resolve) => setTimeout(resolve, 1));
      const appliedAt = performance.now();
      total.push(appliedAt - pressedAt);
      toCommit.push(committedAt - pressedAt);
      toApplied.push(appliedAt - committedAt);
    }
    const row = (name: string, values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `| ${name} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 90).toFixed(1)} | ${(sorted.at(-1) ?? NaN).toFixed(1)} |`;
    };
    console.log(`${calls} calls, backend ${backend}, PostgreSQL, one server in scope (ms)\n`);
    console.log("| interval | p50 | p90 | max |\n|---|---|---|---|");
    console.log(row("key press 1 -> agent reported applied", total));
    console.log(row("key press 1 -> grant committed", toCommit));
    console.log(row("grant committed -> agent reported applied", toApplied));
  } finally {
    await agent?.stop();
    await plane.close();
    await db.drop();
    await rm(stateDir, { recursive: true, force: true });
    if (backend !== "dry-run") spawnSync("ip", ["netns", "del", NETNS], { stdio: "ignore" });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
