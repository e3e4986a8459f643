// Three control-plane processes (main.ts, as `pnpm start` runs it) on one real PostgreSQL, with
// agents spread across them: what an MSP running replicas behind a load balancer relies on. A
// change made through any replica reaches every agent; a traveler's IVR call to one replica
// opens the firewall of agents on another; a replica killed outright loses nothing; a replica
// whose LISTEN session is cut mid-change leaves no agent stale; expiries are swept once, by the
// leader, and another replica takes over when the leader dies.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HubMessage } from "@gatehouse/protocol";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import { placeAsteriskCall } from "./ivr-asterisk.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, seedServer, signedInClient, spawnControlPlane, TestAgentClient, type Api, type ControlPlaneProcess, type SeededServer } from "./kit/index.ts";

const AGI_SECRET = "a-long-shared-agi-secret-for-replicas";
const PIN = "135790";
const CONVERGE_MS = 30_000;

interface Replica {
  name: string;
  process: ControlPlaneProcess;
  url: string;
  agiPort: number;
}

/** A simulated agent: fetches on every `changed`, like the real one, and keeps the last state. */
class SimAgent {
  private constructor(
    readonly server: SeededServer,
    public client: TestAgentClient,
  ) {}

  static async on(replica: Replica, server: SeededServer): Promise<SimAgent> {
    const agent = new SimAgent(server, await TestAgentClient.connect(replica.url, server.credential));
    agent.fetchOnChange();
    return agent;
  }

  /** Connects to another replica, as an agent does when its own dies. */
  async moveTo(replica: Replica): Promise<void> {
    this.client.close();
    this.client = await TestAgentClient.connect(replica.url, this.server.credential);
    this.fetchOnChange();
  }

  sources(): string[] {
    const states = this.client.received.filter((m): m is Extract<HubMessage, { type: "state" }> => m.type === "state");
    return states.at(-1)?.state.entries.map((entry) => entry.source) ?? [];
  }

  private fetchOnChange(): void {
    const client = this.client;
    client.socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type?: string; revision?: number };
      if (message.type === "changed" && typeof message.revision === "number") client.send({ type: "fetch", revision: message.revision });
    });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const runs = Boolean(process.env.DATABASE_URL) || process.env.CI === "true";
if (!runs) console.warn("replicas.test.ts skipped: several replicas need PostgreSQL (set DATABASE_URL)");

describe.runIf(runs)("three control planes on one PostgreSQL", () => {
  const scratch = mkdtempSync(join(tmpdir(), "gh-replicas-"));
  let db: TestDatabase;
  const replicas: Record<string, Replica> = {};
  const agents: SimAgent[] = [];
  const admin: Record<string, Api> = {};
  let tenantId = "";

  async function startReplica(name: string): Promise<Replica> {
    const agiPort = await freePort();
    const process = spawnControlPlane({
      DATABASE_URL: db.url ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: join(scratch, name),
      GATEHOUSE_ADMIN_EMAIL: ADMIN_EMAIL,
      GATEHOUSE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      AGI_SECRET,
      AGI_ALLOWED_ADDRESSES: "127.0.0.1",
      AGI_HOST: "127.0.0.1",
      AGI_PORT: String(agiPort),
      ALLOW_DOCUMENTATION_ADDRESSES: "true",
      EXPIRY_SWEEP_INTERVAL_SECONDS: "1",
      LOG_LEVEL: "info",
    });
    const replica = { name, process, url: await process.listening(), agiPort };
    replicas[name] = replica;
    admin[name] = await signedInClient(replica.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    return replica;
  }

  const agentsOn = (name: string) => agents.filter((agent) => agent.client.socket.url.startsWith(replicas[name]!.url.replace(/^http/, "ws")));

  async function allHold(source: string, among: SimAgent[] = agents): Promise<void> {
    await vi.waitFor(() => {
      for (const agent of among) expect(agent.sources(), `server ${agent.server.id}`).toContain(source);
    }, CONVERGE_MS);
  }

  async function addEntry(via: string, source: string, expiresAt?: Date) {
    const scope = { kind: "TENANT" as const, tenantId };
    return admin[via]!.entries.add.mutate({ source, services: ["sip"], scope, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) });
  }

  /** The replica holding the leader lock, read from PostgreSQL's own lock table. */
  async function leader(): Promise<string | null> {
    const rows = await db.prisma.$queryRaw<{ application_name: string }[]>`
      SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()`;
    const replicaId = rows[0]?.application_name.replace("gatehouse replica ", "");
    if (!replicaId) return null;
    const row = await db.prisma.controlPlaneReplica.findUnique({ where: { id: replicaId } });
    return Object.values(replicas).find((replica) => replica.url === row?.listenUrl)?.name ?? null;
  }

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    await startReplica("A"); // first: it creates the MSP admin the others find
    await Promise.all([startReplica("B"), startReplica("C")]);
    for (let i = 0; i < 6; i += 1) {
      const server = await seedServer(db.prisma, `pbx-${i}`);
      tenantId = server.tenantId;
      agents.push(await SimAgent.on(replicas["ABC"[i % 3]!]!, server));
    }
    await vi.waitFor(() => {
      for (const agent of agents) expect(agent.client.received.some((m) => m.type === "state")).toBe(true);
    }, CONVERGE_MS);
  }, 240_000);

  afterAll(async () => {
    for (const agent of agents) agent.client.close();
    await Promise.all(Object.values(replicas).map((replica) => replica.process.stop()));
    await db?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("a change made through A reaches the agents connected to B and C", async () => {
    await addEntry("A", "198.51.100.20");
    await allHold("198.51.100.20", [...agentsOn("B"), ...agentsOn("C")]);
    await allHold("198.51.100.20");
  });

  it("a traveler's IVR call to C opens the firewall of the agents on A", async () => {
    const { traveler } = await admin.A!.travelers.create.mutate({ tenantId, pin: PIN, name: "Ann Road", email: "ann@road.example" });
    const call = await placeAsteriskCall({ port: replicas.C!.agiPort, secret: AGI_SECRET, keypad: [`${traveler.accountNumber}#`, `${PIN}#`, "203*0*113*7#", "1#"], callerId: "+15551230001" });
    expect(call.prompts).toContain("granted-until");
    await allHold("203.0.113.7", agentsOn("A"));
  });

  it("a replica whose LISTEN session is cut in the middle of a change leaves none of its agents stale", async () => {
    const replicaIdOfA = await replicaIdAt(replicas.A!.url);
    // A is frozen so it cannot reconnect before the change commits: its notice is lost for sure.
    replicas.A!.process.freeze();
    try {
      await db.prisma.$queryRaw`SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = ${`gatehouse replica ${replicaIdOfA}`}`;
      await addEntry("C", "198.51.100.21");
    } finally {
      replicas.A!.process.thaw();
    }
    await allHold("198.51.100.21", agentsOn("A"));
    await vi.waitFor(() => expect(replicas.A!.process.stdout()).toContain("LISTEN connection back"), CONVERGE_MS);
    // And the session serves the next change as before.
    await addEntry("B", "198.51.100.22");
    await allHold("198.51.100.22", agentsOn("A"));
  });

  it("B killed outright: its agents reconnect to A and C, converge, and fleet status shows every agent online", async () => {
    const orphans = agentsOn("B");
    expect(await replicas.B!.process.kill()).not.toBe(0);
    await Promise.all(orphans.map((agent) => agent.client.closed()));
    await Promise.all(orphans.map((agent, i) => agent.moveTo(replicas[i % 2 === 0 ? "A" : "C"]!)));
    delete replicas.B;
    await addEntry("A", "198.51.100.23");
    await allHold("198.51.100.23");
    for (const source of ["198.51.100.20", "203.0.113.7", "198.51.100.21", "198.51.100.22"]) await allHold(source);
    await vi.waitFor(async () => {
      const { servers } = await admin.C!.fleet.status.query({ tenantId });
      expect(servers.filter((server) => server.online).map((server) => server.name).sort()).toEqual(agents.map((_, i) => `pbx-${i}`));
      // Each says which replica holds it, and none names the dead one.
      expect(new Set(servers.map((server) => server.connectedTo))).toEqual(new Set([replicas.A!.url, replicas.C!.url]));
    }, CONVERGE_MS);
    // B stops beating; the leader deletes its row.
    await vi.waitFor(async () => expect(await db.prisma.controlPlaneReplica.count()).toBe(2), CONVERGE_MS);
  });

  it("each expiry is swept exactly once, by the leader; when the leader dies the other replica takes over", async () => {
    const soon = () => new Date(Date.now() + 2_000);
    const entries = await Promise.all(["198.51.100.30", "198.51.100.31", "198.51.100.32"].map((source) => addEntry("C", source, soon())));
    await allHold("198.51.100.32");
    await vi.waitFor(async () => expect(await db.prisma.allowEntry.count({ where: { id: { in: entries.map((e) => e.id) } } })).toBe(0), CONVERGE_MS);
    for (const entry of entries) {
      expect(await db.prisma.auditEvent.count({ where: { action: "entry.expired", targetId: entry.id } }), `entry ${entry.source}`).toBe(1);
    }
    await vi.waitFor(() => {
      for (const agent of agents) expect(agent.sources()).not.toContain("198.51.100.30");
    }, CONVERGE_MS);

    const old = await leader();
    expect(old === "A" || old === "C").toBe(true);
    const survivor = old === "A" ? "C" : "A";
    const orphans = agentsOn(old!);
    await replicas[old!]!.process.kill();
    delete replicas[old!];
    await Promise.all(orphans.map((agent) => agent.moveTo(replicas[survivor]!)));
    await vi.waitFor(async () => expect(await leader()).toBe(survivor), CONVERGE_MS);
    const late = await addEntry(survivor, "198.51.100.33", soon());
    await allHold("198.51.100.33");
    await vi.waitFor(async () => expect(await db.prisma.allowEntry.count({ where: { id: late.id } })).toBe(0), CONVERGE_MS);
    expect(await db.prisma.auditEvent.count({ where: { action: "entry.expired", targetId: late.id } })).toBe(1);
    await vi.waitFor(() => {
      for (const agent of agents) expect(agent.sources()).not.toContain("198.51.100.33");
    }, CONVERGE_MS);
  });

  async function replicaIdAt(url: string): Promise<string> {
    const row = await db.prisma.controlPlaneReplica.findFirstOrThrow({ where: { listenUrl: url } });
    return row.id;
  }
});
