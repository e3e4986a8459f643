// A replica dies with its agents; they move to a live replica, whose presence writer records
// them, while the leader reaps the dead replica's row (ON DELETE SET NULL clears the presence
// it still names). The two write the same Server rows at once and must not deadlock: both
// lock them in id order (server-row-locks.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import { ReplicaRegistry } from "../src/cluster/replica-registry.ts";
import { PresenceWriter } from "../src/hub/presence-writer.ts";
import { createLogger } from "../src/logger.ts";

const SERVERS = 1_500;
const ROUNDS = 8;

function recordingLogger() {
  const lines: string[] = [];
  return Object.assign(createLogger("info", { write: (line: string) => void lines.push(line) }), { lines });
}

// PGlite serves one connection at a time: its transactions never interleave, so it cannot deadlock.
describe.skipIf(!process.env.DATABASE_URL)("reaping a dead replica while its agents move to a live one (PostgreSQL only: set DATABASE_URL; PGlite cannot deadlock)", () => {
  const logger = recordingLogger();
  let db: TestDatabase;
  let ids: string[];

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    const tenant = await db.prisma.tenant.create({ data: { name: "Acme" } });
    // Inserted in descending id order: the heap order the cascade visits is the reverse of the id order.
    ids = Array.from({ length: SERVERS }, (_, i) => `pbx-${String(SERVERS - i).padStart(5, "0")}`);
    for (let i = 0; i < SERVERS; i += 500) {
      await db.prisma.server.createMany({ data: ids.slice(i, i + 500).map((id) => ({ id, tenantId: tenant.id, name: id })) });
    }
  }, 60_000);
  afterAll(async () => db?.drop());

  it("every agent ends up on the live replica, each dead replica is reaped, and nothing deadlocks", async () => {
    const live = new ReplicaRegistry({ prisma: db.prisma, logger, listenUrl: "http://live.example.net" });
    await live.register();
    const presence = new PresenceWriter({ prisma: db.prisma, replicaId: live.id, logger });
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        const deadId = `dead-${round}`;
        await db.prisma.$executeRaw`INSERT INTO "ControlPlaneReplica" ("id", "listenUrl", "startedAt", "heartbeatAt") VALUES (${deadId}, 'http://dead.example.net', now() - interval '1 hour', now() - interval '1 hour')`;
        await db.prisma.server.updateMany({ data: { connectedReplicaId: deadId } });
        // Half the dead replica's agents have reconnected here already, the rest arrive during the reap.
        for (const id of ids.filter((_, i) => i % 2 === 0)) presence.connected(id);
        const firstHalf = presence.flush();
        for (const id of ids.filter((_, i) => i % 2 === 1)) presence.connected(id);
        const [reaped] = await Promise.all([live.reapDead(), firstHalf, presence.flush()]);
        expect(reaped).toBe(1);
        const where = await db.prisma.server.groupBy({ by: ["connectedReplicaId"], _count: true });
        expect(where).toEqual([{ connectedReplicaId: live.id, _count: SERVERS }]);
      }
    } finally {
      await presence.close([]);
      await live.close();
    }
    expect(logger.lines.filter((line) => /40P01|deadlock|cannot record agent presence/i.test(line))).toEqual([]);
  }, 120_000);
});
