// A signed-in operator asks for whole lists at once: every list
// that grows with the fleet answers at most LIST_PAGE_MAX rows a call and a cursor to go on.
// Following the cursors yields every row exactly once, even when names (or creation times)
// repeat; a larger page, or a cursor the server never gave out, is refused; and a cursor a
// tenant admin makes up from another tenant's names shows them nothing of that tenant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { encodeKeyCursor, LIST_PAGE_MAX } from "../src/services/listing.ts";
import { errorOf, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest, call } from "./kit/index.ts";

/** More rows than two pages hold, so a third page is needed. */
const MANY = 2 * LIST_PAGE_MAX + 10;
const PASSWORD = "a long enough password";

interface Page {
  nextCursor: string | null;
  [rows: string]: unknown;
}

/** Each paged list: the key of its rows, their id field, and the input that selects the seeded rows. */
const LISTS: { path: string; rows: string; id: string; input?: () => Record<string, unknown> }[] = [
  { path: "servers.list", rows: "servers", id: "id" },
  { path: "fleet.status", rows: "servers", id: "serverId" },
  { path: "tenants.list", rows: "tenants", id: "id" },
  { path: "operators.list", rows: "operators", id: "id" },
  { path: "travelers.list", rows: "travelers", id: "id" },
  { path: "travelers.grants", rows: "grants", id: "id" },
  { path: "customServices.list", rows: "customServices", id: "id" },
  { path: "apiTokens.list", rows: "tokens", id: "id" },
];

function idsOf(page: Page, rows: string, id: string): string[] {
  return (page[rows] as Record<string, string>[]).map((row) => row[id]!);
}

/** Every page of `path`, as the page sizes and the ids in order. */
async function walk(api: Api, path: string, rows: string, id: string, input: Record<string, unknown> = {}): Promise<{ sizes: number[]; ids: string[] }> {
  const sizes: number[] = [];
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = (await call(api, path, "query", { ...input, ...(cursor ? { cursor } : {}) })) as Page;
    const pageIds = idsOf(page, rows, id);
    sizes.push(pageIds.length);
    ids.push(...pageIds);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && sizes.length < 20);
  return { sizes, ids };
}

describe.each(testDatabaseKinds())("paged lists on %s", (kind) => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let acmeAdmin: Api;
  const seeded: Record<string, number> = {};

  beforeAll(async () => {
    test = await startUnderTest(kind);
    fleet = await seedFleet(test.admin);
    const { prisma } = test.db;
    const at = test.clock.now();
    const n = (i: number) => String(i).padStart(3, "0");
    // The same server names in both tenants: only the id tells two rows apart.
    for (const tenant of [fleet.tenantA, fleet.tenantB]) {
      await prisma.server.createMany({ data: Array.from({ length: MANY }, (_, i) => ({ tenantId: tenant.id, name: `pbx-${n(i)}`, createdAt: at })) });
    }
    await prisma.tenant.createMany({ data: Array.from({ length: MANY }, (_, i) => ({ name: `Tenant ${n(i)}`, createdAt: at })) });
    await prisma.operator.createMany({ data: Array.from({ length: MANY }, (_, i) => ({ email: `op-${n(i)}@acme.example`, name: "Op", passwordHash: "x", role: "VIEWER" as const, tenantId: fleet.tenantA.id, createdAt: at })) });
    // Every traveler is called Sam, every grant and token made in the same millisecond.
    await prisma.traveler.createMany({ data: Array.from({ length: MANY }, (_, i) => ({ tenantId: fleet.tenantA.id, accountNumber: `9${n(i)}00000`, pinHash: "x", name: "Sam", email: "sam@acme.example", createdAt: at })) });
    const sam = await prisma.traveler.findFirstOrThrow({ where: { tenantId: fleet.tenantA.id } });
    const expiresAt = new Date(at.getTime() + 86_400_000);
    await prisma.travelerGrant.createMany({ data: Array.from({ length: MANY }, (_, i) => ({ travelerId: sam.id, address: `198.51.100.${i % 250}`, channel: "OPERATOR" as const, createdAt: at, expiresAt })) });
    await prisma.customService.createMany({ data: Array.from({ length: MANY }, (_, i) => ({ id: `svc-${n(i)}`, name: "Svc", protocol: "udp", portFrom: 7000, portTo: 7000, tenantId: fleet.tenantA.id, createdAt: at })) });
    const msp = await prisma.operator.findFirstOrThrow({ where: { role: "MSP_ADMIN" } });
    await prisma.apiToken.createMany({ data: Array.from({ length: MANY }, (_, i) => ({ operatorId: msp.id, name: "script", prefix: "gh_", tokenHash: `hash-${i}`, createdAt: at })) });
    await test.admin.operators.create.mutate({ email: "acme-admin@acme.example", name: "Acme admin", password: PASSWORD, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    acmeAdmin = await test.signIn("acme-admin@acme.example", PASSWORD);
    const count = async (model: string) => (test.db.prisma as unknown as Record<string, { count(): Promise<number> }>)[model]!.count();
    seeded["servers.list"] = seeded["fleet.status"] = await count("server");
    seeded["tenants.list"] = await count("tenant");
    seeded["operators.list"] = await count("operator");
    seeded["travelers.list"] = await count("traveler");
    seeded["travelers.grants"] = await count("travelerGrant");
    seeded["customServices.list"] = await count("customService");
    seeded["apiTokens.list"] = await count("apiToken");
  });
  afterAll(async () => {
    await test.stop();
  });

  it.each(LISTS)("$path answers at most a page, and its cursors give every row exactly once", async ({ path, rows, id }) => {
    const { sizes, ids } = await walk(test.admin, path, rows, id);
    expect(Math.max(...sizes)).toBe(LIST_PAGE_MAX);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(seeded[path]);
  });

  it.each(LISTS)("$path refuses a page larger than the maximum, and a cursor it never gave out", async ({ path }) => {
    const larger = await errorOf(call(test.admin, path, "query", { limit: LIST_PAGE_MAX + 1 }));
    expect(larger.code).toBe("BAD_REQUEST");
    const forged = await errorOf(call(test.admin, path, "query", { cursor: "not-a-cursor" }));
    expect({ code: forged.code, field: forged.field }).toEqual({ code: "BAD_REQUEST", field: "cursor" });
  });

  it("servers come by name, the same name of two tenants one after the other, told apart by id", async () => {
    const first = (await test.admin.servers.list.query({})).servers.map((server) => server.name);
    expect(first.slice(0, 4)).toEqual(["pbx-000", "pbx-000", "pbx-001", "pbx-001"]);
  });

  it("a tenant admin pages through their own servers only, and a cursor made from the other tenant's names shows nothing of it", async () => {
    const own = await walk(acmeAdmin, "servers.list", "servers", "id");
    const acmeServers = await test.db.prisma.server.findMany({ where: { tenantId: fleet.tenantA.id }, select: { id: true } });
    expect(own.ids.sort()).toEqual(acmeServers.map((server) => server.id).sort());
    const bravo = await test.db.prisma.server.findFirstOrThrow({ where: { tenantId: fleet.tenantB.id }, orderBy: { name: "asc" } });
    const crafted = encodeKeyCursor(bravo.name, "");
    for (const path of ["servers.list", "fleet.status"]) {
      const page = (await call(acmeAdmin, path, "query", { cursor: crafted })) as Page;
      const tenants = new Set((page.servers as { tenantId: string }[]).map((server) => server.tenantId));
      expect({ path, tenants: [...tenants] }).toEqual({ path, tenants: [fleet.tenantA.id] });
    }
    const travelers = await acmeAdmin.travelers.list.query({ cursor: encodeKeyCursor("", "") });
    expect(travelers.travelers.every((traveler) => traveler.tenantId === fleet.tenantA.id)).toBe(true);
  });

  it("fleet.status with problemsOnly judges each page and still hands on the cursor", async () => {
    const { sizes, ids } = await walk(test.admin, "fleet.status", "servers", "serverId", { problemsOnly: true });
    // No agent is connected: every server is a problem (offline), page after page.
    expect(ids.length).toBe(seeded["fleet.status"]);
    expect(Math.max(...sizes)).toBe(LIST_PAGE_MAX);
  });
});
