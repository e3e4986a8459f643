// SIGTERM on the control plane must finish while agents are connected (the hub ends their
// WebSocket sockets, which the HTTP server's close would otherwise wait for forever), keep
// what the agents told it, and leave nothing touching the database it closes next.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { createCountedPostgresDatabase, testDatabaseKinds, type CountedPostgresDatabase } from "@gatehouse/testkit/database";
import pg from "pg";
import { agentHubExtension } from "../src/hub/agent-hub-extension.ts";
import { seedServer, startHubUnderTest, startUnderTest, TestAgentClient, type SeededServer } from "./kit/index.ts";

describe("shutting the control plane down", () => {
  it("closes with an agent connected, and the agent sees its connection end", async () => {
    const hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite");
    const server = await seedServer(hub.test.db.prisma);
    const agent = await TestAgentClient.connect(hub.url, server.credential);
    await agent.next("state");

    await hub.test.plane.close();

    await vi.waitFor(() => expect(agent.closeCode, "the agent's connection is closed").not.toBeNull(), 10_000);
    await hub.test.db.drop();
  });
});

describe("a control plane stopping while its agents report", () => {
  const run = requireCapability("the hub's last database writes", { ok: Boolean(process.env.DATABASE_URL), reason: "needs PostgreSQL: set DATABASE_URL" });
  const AGENTS = 12;
  let database: CountedPostgresDatabase;

  beforeAll(async () => {
    if (run) database = await createCountedPostgresDatabase();
  });
  afterAll(async () => {
    if (run) await database.drop();
  });

  it.runIf(run)("stores the reports it received before it closes, and writes nothing after", async () => {
    const { db, counted, statements } = database;
    const test = await startUnderTest("postgres", { database: { ...db, prisma: counted, drop: async () => undefined }, extensions: [agentHubExtension()] });
    const servers: SeededServer[] = [];
    for (let i = 0; i < AGENTS; i++) servers.push(await seedServer(db.prisma));
    const agents = await Promise.all(servers.map((server) => TestAgentClient.connect(test.plane.url, server.credential)));
    const states = await Promise.all(agents.map((agent) => agent.next("state")));

    // Another session holds the servers' rows, so the reports wait for it inside the plane.
    const holder = new pg.Client({ connectionString: db.url! });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(`SELECT 1 FROM "Server" FOR UPDATE`);
    agents.forEach((agent, i) => agent.reportApplied(states[i]!));
    await vi.waitFor(async () => expect(await waitingOnLocks(holder, db.url!)).toBeGreaterThan(0), 10_000);

    const closed = test.plane.close();
    setTimeout(() => void holder.query("COMMIT").then(() => holder.end()), 300);
    await closed;
    const atClose = statements.length;

    const rows = await db.prisma.server.findMany({ select: { id: true, appliedRevision: true, connectedReplicaId: true } });
    expect(rows.map((row) => row.appliedRevision), "every report received before the stop is stored").toEqual(rows.map((row) => states[servers.findIndex((s) => s.id === row.id)]!.revision));
    expect(rows.every((row) => row.connectedReplicaId === null), "every agent is written as gone").toBe(true);
    await vi.waitFor(() => expect(agents.every((agent) => agent.closeCode !== null)).toBe(true), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // past the presence writer's batching and retry delays
    expect(statements.slice(atClose), "statements the plane sent after it had closed").toEqual([]);
    await test.stop();
  }, 60_000);
});

/** Sessions of the test database waiting for a row lock. */
async function waitingOnLocks(client: pg.Client, url: string): Promise<number> {
  const database = new URL(url).pathname.slice(1);
  const result = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [database]);
  return result.rows[0]?.n ?? 0;
}
