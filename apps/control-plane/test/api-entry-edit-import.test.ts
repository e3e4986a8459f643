// Editing an allow entry in place and importing many at once, over HTTP on a real database: what
// each server's revision does, what the audit log keeps, and what a hostile tenant admin cannot
// do with either (move an entry to the whole fleet or into another tenant, import into another
// tenant). An import is one transaction: a bad line, or a failure half-way, writes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { errorOf, OPERATOR_PASSWORD, revisions, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

describe.each(testDatabaseKinds())("editing and importing allow entries on %s", (kind) => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let acmeAdmin: Api;

  beforeAll(async () => {
    test = await startUnderTest(kind);
    fleet = await seedFleet(test.admin);
    await test.admin.operators.create.mutate({ email: "it@acme.example", name: "Acme IT", password: OPERATOR_PASSWORD, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    acmeAdmin = await test.signIn("it@acme.example", OPERATOR_PASSWORD);
  });
  afterAll(async () => {
    await test.stop();
  });
  beforeEach(async () => {
    await test.db.prisma.allowEntry.deleteMany();
  });

  /** By how much each server's revision moved during `change`. */
  async function revisionMoves(change: () => Promise<unknown>): Promise<Record<string, number>> {
    const before = await revisions(test);
    await change();
    const after = await revisions(test);
    return Object.fromEntries(Object.keys(after).map((id) => [id, (after[id] ?? 0) - (before[id] ?? 0)]));
  }

  /** Everything a refused change must leave as it was. */
  async function fingerprint() {
    const prisma = test.db.prisma;
    return {
      entries: await prisma.allowEntry.findMany({ orderBy: { id: "asc" } }),
      audit: await prisma.auditEvent.count(),
      revisions: await revisions(test),
    };
  }

  const sources = async (serverId: string) => (await test.admin.rulesets.effective.query({ serverId })).desiredState.entries.map((entry) => entry.source);

  it("an entry's services, comment and scope change in place; a move bumps the servers of both scopes once", async () => {
    const { serverA1, serverA2, serverB1 } = fleet;
    const entry = await test.admin.entries.add.mutate({ source: "198.51.100.7", services: ["sip"], scope: { kind: "SERVER", serverId: serverA1 }, comment: "Bob" });
    const moves = await revisionMoves(() =>
      test.admin.entries.update.mutate({ entryId: entry.id, services: ["sip", "rtp"], comment: "Bob at home", scope: { kind: "SERVER", serverId: serverA2 } }),
    );
    expect(moves).toEqual({ [serverA1]: 1, [serverA2]: 1, [serverB1]: 0 });
    expect(await sources(serverA1)).toEqual([]);
    expect(await sources(serverA2)).toEqual(["198.51.100.7"]);
    const [stored] = (await test.admin.entries.list.query({ source: "198.51.100.7" })).entries;
    expect(stored).toMatchObject({ id: entry.id, services: ["rtp", "sip"], comment: "Bob at home", scope: "SERVER", serverId: serverA2 });

    const { events } = await test.admin.audit.list.query({ action: "entry.updated" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetId: entry.id, before: { serverId: serverA1, services: ["sip"], comment: "Bob" }, after: { serverId: serverA2, services: ["rtp", "sip"], comment: "Bob at home" } });

    // Only the comment: only the entry's own servers move.
    expect(await revisionMoves(() => test.admin.entries.update.mutate({ entryId: entry.id, comment: "Bob, new router" }))).toEqual({ [serverA1]: 0, [serverA2]: 1, [serverB1]: 0 });
  });

  it("a move onto a scope that already allows the source is refused and changes nothing", async () => {
    const scope = { kind: "TENANT" as const, tenantId: fleet.tenantA.id };
    await test.admin.entries.add.mutate({ source: "198.51.100.8", services: ["sip"], scope });
    const other = await test.admin.entries.add.mutate({ source: "198.51.100.8", services: ["ssh"], scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    const before = await fingerprint();
    expect(await errorOf(test.admin.entries.update.mutate({ entryId: other.id, scope }))).toMatchObject({ code: "CONFLICT", field: "scope" });
    expect(await errorOf(test.admin.entries.update.mutate({ entryId: other.id, services: ["fax"] }))).toMatchObject({ code: "BAD_REQUEST", message: "unknown service: fax", field: "services" });
    expect(await fingerprint()).toEqual(before);
  });

  it("a tenant admin cannot move their entry to the whole fleet, into another tenant, or edit a fleet entry", async () => {
    const own = await acmeAdmin.entries.add.mutate({ source: "198.51.100.9", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    const fleetEntry = await test.admin.entries.add.mutate({ source: "192.0.2.9", services: ["sip"], scope: { kind: "FLEET" } });
    const bravoEntry = await test.admin.entries.add.mutate({ source: "192.0.2.10", services: ["sip"], scope: { kind: "TENANT", tenantId: fleet.tenantB.id } });
    const before = await fingerprint();
    const attempts: [Parameters<Api["entries"]["update"]["mutate"]>[0], string][] = [
      [{ entryId: own.id, scope: { kind: "FLEET" } }, "FORBIDDEN"],
      [{ entryId: own.id, scope: { kind: "TENANT", tenantId: fleet.tenantB.id } }, "NOT_FOUND"],
      [{ entryId: own.id, scope: { kind: "GROUP", tenantId: fleet.tenantB.id, group: "nyc" } }, "NOT_FOUND"],
      [{ entryId: own.id, scope: { kind: "SERVER", serverId: fleet.serverB1 } }, "NOT_FOUND"],
      [{ entryId: fleetEntry.id, comment: "mine now" }, "FORBIDDEN"],
      [{ entryId: fleetEntry.id, scope: { kind: "TENANT", tenantId: fleet.tenantA.id } }, "FORBIDDEN"],
      [{ entryId: bravoEntry.id, scope: { kind: "TENANT", tenantId: fleet.tenantA.id } }, "NOT_FOUND"],
    ];
    for (const [input, code] of attempts) expect({ input, code: (await errorOf(acmeAdmin.entries.update.mutate(input))).code }).toEqual({ input, code });
    expect(await fingerprint()).toEqual(before);
    expect((await sources(fleet.serverB1)).sort()).toEqual(["192.0.2.10", "192.0.2.9"]);
  });

  it("a traveler's entry is changed through its grant, not here", async () => {
    const entry = await test.db.prisma.allowEntry.create({ data: { source: "203.0.113.7", sourceKind: "ip", services: ["sip"], scope: "TENANT", tenantId: fleet.tenantA.id, origin: "TRAVELER" } });
    expect(await errorOf(test.admin.entries.update.mutate({ entryId: entry.id, services: ["all"] }))).toMatchObject({ code: "BAD_REQUEST", field: "entryId" });
  });

  const paste = ["source,services,comment,expiry", "198.51.100.20, sip rtp, Trunk A", "trunk-b.example.net, \"sip,rtp\", \"Trunk B, backup\", 7d", "203.0.113.0/28\tssh\tOffice"].join("\n");

  it("the preview says what each line will do and writes nothing; the import writes all of it with one bump per server", async () => {
    const scope = { kind: "TENANT" as const, tenantId: fleet.tenantA.id };
    const before = await fingerprint();
    const preview = await test.admin.entries.importPreview.mutate({ text: paste, scope });
    expect(preview.valid).toBe(3);
    expect(preview.lines.map((l) => [l.line, l.ok, l.source, l.services, l.comment])).toEqual([
      [2, true, "198.51.100.20", ["rtp", "sip"], "Trunk A"],
      [3, true, "trunk-b.example.net", ["rtp", "sip"], "Trunk B, backup"],
      [4, true, "203.0.113.0/28", ["ssh"], "Office"],
    ]);
    expect(await fingerprint()).toEqual(before);

    let imported: Awaited<ReturnType<Api["entries"]["import"]["mutate"]>> | undefined;
    const moves = await revisionMoves(async () => (imported = await test.admin.entries.import.mutate({ text: paste, scope })));
    expect(moves).toEqual({ [fleet.serverA1]: 1, [fleet.serverA2]: 1, [fleet.serverB1]: 0 });
    expect(imported?.entries.map((e) => e.source).sort()).toEqual(["198.51.100.20", "203.0.113.0/28", "trunk-b.example.net"]);
    expect(await sources(fleet.serverA2)).toEqual(["trunk-b.example.net", "198.51.100.20", "203.0.113.0/28"]);
    expect((await test.admin.audit.list.query({ action: "entry.imported" })).events).toHaveLength(3);

    // The same file again: every line is already there, and says so.
    const again = await test.admin.entries.importPreview.mutate({ text: paste, scope });
    expect(again.lines.map((l) => l.message)).toEqual([
      expect.stringMatching(/^198\.51\.100\.20 is already allowed in this scope \(entry [0-9a-f]{8}\)$/),
      expect.stringMatching(/^trunk-b\.example\.net is already allowed/),
      expect.stringMatching(/^203\.0\.113\.0\/28 is already allowed/),
    ]);
  });

  it("one bad line refuses the whole import, with each bad line's own message, unless the valid lines alone are asked for", async () => {
    const scope = { kind: "SERVER" as const, serverId: fleet.serverA1 };
    const text = "198.51.100.30, sip\n198.51.100.300, sip\n198.51.100.31, fax\n198.51.100.32, ssh, ok";
    const preview = await test.admin.entries.importPreview.mutate({ text, scope });
    expect(preview.lines.map((l) => (l.ok ? "ok" : l.message))).toEqual(["ok", "198.51.100.300 is not an IPv4 address: octet 4 is 300", "unknown service: fax", "ok"]);
    const before = await fingerprint();
    const refused = await errorOf(test.admin.entries.import.mutate({ text, scope }));
    expect(refused).toEqual({
      code: "BAD_REQUEST",
      field: "text",
      message: "2 of 4 lines cannot be imported, so nothing was (line 2: 198.51.100.300 is not an IPv4 address: octet 4 is 300; line 3: unknown service: fax); fix them, or import the 2 valid lines only",
    });
    expect(await fingerprint()).toEqual(before);

    const partial = await test.admin.entries.import.mutate({ text, scope, validLinesOnly: true });
    expect([partial.entries.map((e) => e.source).sort(), partial.skipped]).toEqual([["198.51.100.30", "198.51.100.32"], 2]);
  });

  it("a tenant admin cannot import into another tenant or the whole fleet, nor preview another tenant's scope", async () => {
    const before = await fingerprint();
    const text = "45.0.0.0/8, all";
    expect((await errorOf(acmeAdmin.entries.import.mutate({ text, scope: { kind: "FLEET" } }))).code).toBe("FORBIDDEN");
    expect((await errorOf(acmeAdmin.entries.import.mutate({ text, scope: { kind: "TENANT", tenantId: fleet.tenantB.id } }))).code).toBe("NOT_FOUND");
    expect((await errorOf(acmeAdmin.entries.import.mutate({ text, scope: { kind: "SERVER", serverId: fleet.serverB1 } }))).code).toBe("NOT_FOUND");
    expect((await errorOf(acmeAdmin.entries.importPreview.mutate({ text, scope: { kind: "GROUP", tenantId: fleet.tenantB.id, group: "nyc" } }))).code).toBe("NOT_FOUND");
    expect(await fingerprint()).toEqual(before);
  });

  it("a failure half-way through an import (after its entries are written) leaves nothing written: one transaction", async () => {
    const prisma = test.db.prisma;
    // The audit write comes after the entries' insert in the same transaction; make it fail.
    await prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_import_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_import_audit BEFORE INSERT ON "AuditEvent" FOR EACH ROW WHEN (NEW."action" = 'entry.imported') EXECUTE FUNCTION refuse_import_audit()`);
    try {
      const before = await fingerprint();
      const failed = await errorOf(test.admin.entries.import.mutate({ text: paste, scope: { kind: "FLEET" } }));
      expect(failed.code).toBe("INTERNAL_SERVER_ERROR");
      expect(await fingerprint()).toEqual(before);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_import_audit ON "AuditEvent"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION refuse_import_audit()`);
    }
    // With the failure gone the same import goes through whole.
    expect((await test.admin.entries.import.mutate({ text: paste, scope: { kind: "FLEET" } })).entries).toHaveLength(3);
  });

  it("the list says how many entries match in all, whatever the page size", async () => {
    await test.admin.entries.import.mutate({ text: Array.from({ length: 7 }, (_, i) => `192.0.2.${i + 1}, sip`).join("\n"), scope: { kind: "FLEET" } });
    const page = await test.admin.entries.list.query({ limit: 3 });
    expect([page.entries.length, page.total, page.nextCursor !== null]).toEqual([3, 7, true]);
    expect((await test.admin.entries.list.query({ limit: 3, source: "192.0.2.7" })).total).toBe(1);
  });
});
