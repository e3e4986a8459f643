// A fleet-wide change landing while every agent reports (the fetch storm after a change) must
// not deadlock the report writer against runMutation: both lock Server rows in id order.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "@gatehouse/core";
import type { ReportMessage } from "@gatehouse/protocol";
import { agentHubExtension } from "../src/hub/agent-hub-extension.ts";
import { createLogger } from "../src/logger.ts";
import { startUnderTest, TestAgentClient, type PlaneUnderTest } from "./kit/index.ts";

const SERVERS = 300;
const ROUNDS = 12;
const CHANGES_PER_ROUND = 3;

const report = (appliedRevision: number): ReportMessage => ({
  type: "report",
  appliedRevision,
  rulesetHash: "r".repeat(64),
  desiredHash: "d".repeat(64),
  setSizes: {},
  ruleCount: 9,
  unresolved: [],
  resolutions: [{ fqdn: "trunk.example.net", addresses: ["192.0.2.20"], ttlSeconds: 60, resolvedAt: "2024-05-01T10:00:00.000Z" }],
  errors: [],
  agentVersion: "0.1.0",
  backend: "iptables",
});

/** The control plane's logger, its lines kept for the test to read. */
function recordingLogger() {
  const lines: string[] = [];
  return Object.assign(createLogger("info", { write: (line: string) => void lines.push(line) }), { lines });
}

interface Agent {
  id: string;
  client: TestAgentClient;
}

/**
 * Servers inserted in descending id order, so the table's heap order (what a hash join's scan
 * visits) is the reverse of the id order bumpRevisions locks in.
 */
async function seedServersHeapReversed(test: PlaneUnderTest): Promise<{ id: string; credential: string }[]> {
  const tenant = await test.db.prisma.tenant.create({ data: { name: "Acme" } });
  const servers = Array.from({ length: SERVERS }, (_, i) => ({ id: `pbx-${String(SERVERS - i).padStart(5, "0")}`, credential: randomBytes(32).toString("base64url") }));
  for (const { id, credential } of servers) {
    await test.db.prisma.server.create({ data: { id, tenantId: tenant.id, name: id, agentCredentialHash: sha256Hex(credential) } });
  }
  return servers;
}

// PGlite serves one connection at a time: its transactions never interleave, so it cannot deadlock.
describe.skipIf(!process.env.DATABASE_URL)("agent reports during fleet-wide changes (PostgreSQL only: set DATABASE_URL; PGlite cannot deadlock)", () => {
  const logger = recordingLogger();
  let test: PlaneUnderTest;
  let agents: Agent[];

  beforeAll(async () => {
    test = await startUnderTest("postgres", { extensions: [agentHubExtension()], logger });
    const servers = await seedServersHeapReversed(test);
    agents = await Promise.all(servers.map(async ({ id, credential }) => ({ id, client: await TestAgentClient.connect(test.plane.url, credential) })));
    await Promise.all(agents.map(({ client }) => client.next("state")));
  }, 60_000);
  afterAll(async () => {
    for (const { client } of agents) client.close();
    await test.stop();
  });

  it("every agent's report is stored and every change commits, and nothing deadlocks", async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const marks = agents.map(({ client }) => client.received.length);
      // Agents report in descending id order, so a batch arrives in the reverse of the lock order.
      for (const { client } of agents) client.send(report(round));
      const changes = Array.from({ length: CHANGES_PER_ROUND }, (_, i) =>
        test.admin.entries.add.mutate({ source: `198.51.100.${(round * CHANGES_PER_ROUND + i) % 250}`, services: ["sip"], scope: { kind: "FLEET" }, comment: `round ${round}` }),
      );
      await Promise.all([...changes, ...agents.map(({ client }, i) => client.next("ack", (m) => m.revision === round, marks[i]))]);
    }

    const stored = await test.db.prisma.server.findMany({ select: { appliedRevision: true, revision: true } });
    expect(stored).toHaveLength(SERVERS);
    expect(stored.every((s) => s.appliedRevision === ROUNDS && s.revision === 1 + ROUNDS * CHANGES_PER_ROUND)).toBe(true);
    expect(logger.lines.filter((line) => /40P01|deadlock/i.test(line))).toEqual([]);
  }, 120_000);
});
