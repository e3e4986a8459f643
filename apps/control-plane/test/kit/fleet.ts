// The fleet most API tests start from, seeded through the real API, and the revisions a
// change moves, read straight from the database.
import type { PrismaClient } from "@gatehouse/db";
import type { Api } from "./clients.ts";
import type { PlaneUnderTest } from "./plane.ts";

export interface Fleet {
  tenantA: { id: string; name: string };
  tenantB: { id: string; name: string };
  serverA1: string;
  serverA2: string;
  serverB1: string;
}

/** Two tenants: A with pbx-a1 (group "nyc") and pbx-a2, B with pbx-b1 (group "nyc" too). */
export async function seedFleet(admin: Api): Promise<Fleet> {
  const tenantA = await admin.tenants.create.mutate({ name: "Acme" });
  const tenantB = await admin.tenants.create.mutate({ name: "Bravo" });
  const serverA1 = (await admin.servers.create.mutate({ tenantId: tenantA.id, name: "pbx-a1", tags: ["nyc"], primaryAdminSource: "203.0.113.10" })).server.id;
  const serverA2 = (await admin.servers.create.mutate({ tenantId: tenantA.id, name: "pbx-a2", tags: ["lax"] })).server.id;
  const serverB1 = (await admin.servers.create.mutate({ tenantId: tenantB.id, name: "pbx-b1", tags: ["nyc"] })).server.id;
  return { tenantA, tenantB, serverA1, serverA2, serverB1 };
}

/** revision per server id (of every server, or of `ids`), read straight from the database. */
export async function revisions(from: PlaneUnderTest | PrismaClient, ids?: string[]): Promise<Record<string, number>> {
  const prisma = "db" in from ? from.db.prisma : from;
  const rows = await prisma.server.findMany({ where: ids ? { id: { in: ids } } : {}, select: { id: true, revision: true } });
  return Object.fromEntries(rows.map((row) => [row.id, row.revision]));
}
