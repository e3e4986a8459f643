// Country entries through the API, with the plane's geo database a synthetic one (GEO_DATABASE_DIR)
// that places 198.51.100.0/24 in Canada and 203.0.113.0/24 in Russia. Who may add one and where
// is the entries' scope rule; which codes exist is the database's; SSH is never given by
// country unless named; and none of the refusals writes anything.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticGeoDatabase } from "@gatehouse/geo/testing";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { errorOf, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

describe("country entries through the API", () => {
  let geoDir: string;
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let acmeAdmin: Api;

  const counts = async () => ({
    entries: await test.db.prisma.allowEntry.count(),
    audit: await test.db.prisma.auditEvent.count({ where: { action: { startsWith: "entry." } } }),
    revisions: (await test.db.prisma.server.findMany({ select: { revision: true } })).reduce((sum, row) => sum + row.revision, 0),
  });

  beforeAll(async () => {
    geoDir = await mkdtemp(path.join(tmpdir(), "country-entries-geo-"));
    await writeSyntheticGeoDatabase(geoDir, {
      version: "synthetic-countries@1",
      country: [
        { from: "198.51.100.0", to: "198.51.100.255", country: "CA" },
        { from: "203.0.113.0", to: "203.0.113.255", country: "RU" },
        { from: "192.0.2.0", to: "192.0.2.255", country: "GB" },
        // Where the test's own client comes from, so that one country covers the caller.
        { from: "127.0.0.1", to: "127.0.0.1", country: "NZ" },
      ],
    });
    test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", { env: { GEO_DATABASE_DIR: geoDir } });
    fleet = await seedFleet(test.admin);
    await test.admin.operators.create.mutate({ email: "acme-admin@example.net", name: "Acme admin", password: "a long enough password", role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    acmeAdmin = await test.signIn("acme-admin@example.net", "a long enough password");
  });
  afterAll(async () => {
    await test?.stop();
    if (geoDir) await rm(geoDir, { recursive: true, force: true });
  });

  it("adds country:ca for SIP and RTP as country:CA, with the warning that country lists are never exact", async () => {
    const entry = await acmeAdmin.entries.add.mutate({ source: " country:ca ", services: ["sip", "rtp"], scope: { kind: "TENANT", tenantId: fleet.tenantA.id } });
    expect(entry).toMatchObject({ source: "country:CA", kind: "country", services: ["rtp", "sip"], scope: "TENANT" });
    expect(entry.warnings).toEqual([expect.stringContaining("country lists are never exact")]);
    const listed = await acmeAdmin.entries.list.query({ source: "country:" });
    expect(listed.entries.map((row) => [row.source, row.kind])).toEqual([["country:CA", "country"]]);
  });

  it("refuses a hostile tenant admin a fleet-wide country entry (and another tenant's, which it cannot see), and writes nothing", async () => {
    const before = await counts();
    expect((await errorOf(acmeAdmin.entries.add.mutate({ source: "country:RU", services: ["sip"], scope: { kind: "FLEET" } }))).code).toBe("FORBIDDEN");
    expect((await errorOf(acmeAdmin.entries.add.mutate({ source: "country:RU", services: ["sip"], scope: { kind: "TENANT", tenantId: fleet.tenantB.id } }))).code).toBe("NOT_FOUND");
    expect(await counts()).toEqual(before);
  });

  it("refuses codes the database does not have, or not shaped like one, on the source field, and writes nothing", async () => {
    const before = await counts();
    const scope = { kind: "SERVER" as const, serverId: fleet.serverA1 };
    expect(await errorOf(test.admin.entries.add.mutate({ source: "country:ZZ", services: ["sip"], scope }))).toEqual({
      code: "BAD_REQUEST",
      field: "source",
      message: "country:ZZ: the geo database has no country ZZ; write its ISO 3166-1 alpha-2 code, like country:CA or country:US",
    });
    expect((await errorOf(test.admin.entries.add.mutate({ source: "country:UK", services: ["sip"], scope }))).message).toBe("country:UK: the geo database has no country UK; did you mean country:GB?");
    expect((await errorOf(test.admin.entries.add.mutate({ source: "country:CAN", services: ["sip"], scope }))).message).toContain("is not a country");
    expect((await errorOf(test.admin.entries.addIp.mutate({ source: "country:CA", services: ["sip"], scope }))).message).toBe("country:CA is a country (use add)");
    const imported = await errorOf(test.admin.entries.import.mutate({ text: "country:XX, sip\n198.51.100.9, sip", scope }));
    expect(imported.message).toContain("line 1: country:XX: the geo database has no country XX");
    expect(await counts()).toEqual(before);
  });

  it("never opens SSH by country through all, on add, import or a change of services; ssh named works, with its warning", async () => {
    const scope = { kind: "SERVER" as const, serverId: fleet.serverA2 };
    const before = await counts();
    const refused = await errorOf(test.admin.entries.add.mutate({ source: "country:RU", services: ["all"], scope }));
    expect(refused).toEqual({ code: "BAD_REQUEST", field: "services", message: 'choose the services for country:RU: a country entry never covers SSH unless you pick ssh, so "all" is refused (e.g. sip,rtp)' });
    expect((await errorOf(test.admin.entries.import.mutate({ text: "country:RU, all", scope }))).message).toContain("never covers SSH");
    expect(await counts()).toEqual(before);

    const ssh = await test.admin.entries.add.mutate({ source: "country:GB", services: ["ssh"], scope });
    expect(ssh.warnings).toHaveLength(2);
    expect(ssh.warnings[1]).toContain("opens SSH to a whole country");
    expect((await errorOf(test.admin.entries.update.mutate({ entryId: ssh.id, services: ["all"] }))).field).toBe("services");
    expect((await test.db.prisma.allowEntry.findUniqueOrThrow({ where: { id: ssh.id } })).services).toEqual(["ssh"]);
  });

  it("says before adding whether a country covers the caller's own address (the console confirms then)", async () => {
    const check = await test.admin.entries.checkSource.query({ source: "country:ca", services: ["ssh"] });
    expect(check).toMatchObject({ source: "country:CA", kind: "country", coversYourAddress: false, yourAddress: "127.0.0.1" });
    expect(check.warnings).toHaveLength(2);
    expect(await test.admin.entries.checkSource.query({ source: "country:nz", services: ["sip"] })).toMatchObject({ source: "country:NZ", coversYourAddress: true, yourAddress: "127.0.0.1" });
    expect((await errorOf(test.admin.entries.checkSource.query({ source: "country:ZZ" }))).field).toBe("source");
    expect(await test.admin.entries.checkSource.query({ source: "198.51.100.7", services: [] })).toMatchObject({ kind: "ip", coversYourAddress: false, warnings: [] });
  });
});
