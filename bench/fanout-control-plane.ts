// The control plane side of bench/fanout.bench.ts: a bench database with N enrolled servers
// (credentials written straight into the database, for speed), and the control plane serving
// them in the child process.
import { randomBytes, createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAgentLogger } from "../apps/agent/src/logger.ts";
import { openDatabase } from "../packages/db/src/index.ts";
import { createTestDatabase } from "../packages/testkit/src/database.ts";
import { createAgentRoutes } from "../apps/control-plane/src/hub/agent-routes.ts";
import type { RevisionEvent } from "../apps/control-plane/src/hub/hub-types.ts";

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
  /** One change that affects every server; resolves with the new revision. */
  mutateFleet(): Promise<number>;
  stop(): Promise<void>;
}

export async function startBenchControlPlane(databaseUrl: string, port: number): Promise<BenchControlPlane> {
  const { prisma, close } = await openDatabase({ databaseUrl, migrate: false });
  const listeners = new Set<(e: RevisionEvent) => void>();
  const routes = createAgentRoutes({
    prisma,
    logger: createAgentLogger("warn"),
    feed: { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
    loadSnapshot: async (serverId) => {
      const server = await prisma.server.findFirst({ where: { id: serverId } });
      if (server === null) return null;
      const state = { serverId, policy: { mediaOpenToAll: true, lanRanges: server.lanRanges, primaryAdmin: server.primaryAdminSource }, services: [], entries: [] };
      return { revision: server.revision, hash: sha256(JSON.stringify(state)), state };
    },
  });
  const http = createServer((req, res) => void (routes.handleRequest(req, res) || res.writeHead(404).end()));
  http.on("upgrade", (req, socket, head) => void (routes.handleUpgrade(req, socket, head) || socket.destroy()));
  await new Promise<void>((resolve) => http.listen({ port, host: "127.0.0.1", backlog: 4096 }, resolve));
  return {
    port: (http.address() as AddressInfo).port,
    mutateFleet: async () => {
      const rows = await prisma.$queryRaw<{ id: string; revision: number }[]>`UPDATE "Server" SET revision = revision + 1 RETURNING id, revision`;
      for (const row of rows) for (const l of listeners) l({ serverId: row.id, revision: row.revision });
      return Math.max(...rows.map((r) => r.revision));
    },
    stop: async () => {
      await routes.close();
      http.closeAllConnections();
      http.close();
      await close();
    },
  };
}
