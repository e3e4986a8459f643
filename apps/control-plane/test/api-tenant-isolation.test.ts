// Tenant isolation over real HTTP, table-driven over EVERY procedure of the API: a tenant admin
// of Acme can neither read nor change anything of Bravo, cannot even tell Bravo's ids from ids
// that do not exist, and a viewer cannot change anything at all. A procedure added to the API
// without a row here fails the coverage test.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { appRouter } from "../src/api/router.ts";
import { errorOf, revisions, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest, call, OPERATOR_PASSWORD as password, seedTenantThings, type Things } from "./kit/index.ts";

type Row =
  /** Names the other tenant's things: must fail with `code`, changing nothing. */
  | { type: "query" | "mutation"; deny: (b: Things) => unknown; code?: "NOT_FOUND" | "FORBIDDEN"; own?: (a: Things) => unknown }
  /** A list: unfiltered it shows none of the other tenant's ids; filtered to the other tenant it is NOT_FOUND. */
  | { type: "query"; list: true; filterTo?: (b: Things) => unknown }
  /** Acts on the caller's own account only (no ids of anyone else can be named). */
  | { type: "query" | "mutation"; self: true };

const later = () => new Date(Date.now() + 86_400_000).toISOString();

const TABLE: Record<string, Row> = {
  "auth.login": { type: "mutation", self: true },
  "auth.logout": { type: "mutation", self: true },
  "auth.me": { type: "query", self: true },
  "auth.changePassword": { type: "mutation", self: true },
  "apiTokens.create": { type: "mutation", self: true },
  "apiTokens.list": { type: "query", self: true },
  "apiTokens.revoke": { type: "mutation", deny: (b) => ({ tokenId: b.tokenId }) },
  "tenants.create": { type: "mutation", deny: () => ({ name: "Charlie" }), code: "FORBIDDEN", own: () => ({ name: "Delta" }) },
  "tenants.list": { type: "query", list: true },
  "tenants.rename": { type: "mutation", deny: (b) => ({ tenantId: b.tenantId, name: "Mine now" }), code: "FORBIDDEN", own: (a) => ({ tenantId: a.tenantId, name: "Acme Corp" }) },
  "tenants.delete": { type: "mutation", deny: (b) => ({ tenantId: b.tenantId }), code: "FORBIDDEN", own: (a) => ({ tenantId: a.tenantId }) },
  "operators.create": {
    type: "mutation",
    deny: (b) => ({ email: "spy@example.net", name: "Spy", password, role: "TENANT_ADMIN", tenantId: b.tenantId }),
    own: (a) => ({ email: "new@example.net", name: "New", password, role: "VIEWER", tenantId: a.tenantId }),
  },
  "operators.list": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "operators.setDisabled": { type: "mutation", deny: (b) => ({ operatorId: b.operatorId }), own: (a) => ({ operatorId: a.operatorId }) },
  "operators.setPassword": { type: "mutation", deny: (b) => ({ operatorId: b.operatorId, password }), own: (a) => ({ operatorId: a.operatorId, password }) },
  "operators.setRole": { type: "mutation", deny: (b) => ({ operatorId: b.operatorId, role: "VIEWER", tenantId: b.tenantId }), own: (a) => ({ operatorId: a.operatorId, role: "VIEWER", tenantId: a.tenantId }) },
  "operators.invite": {
    type: "mutation",
    deny: (b) => ({ email: "spy@example.net", name: "Spy", role: "TENANT_ADMIN", tenantId: b.tenantId }),
    own: (a) => ({ email: "new@example.net", name: "New", role: "VIEWER", tenantId: a.tenantId }),
  },
  "operators.invites": { type: "query", deny: (b) => ({ tenantId: b.tenantId }) },
  // Another tenant's invitations are refused in operator-invites.test.ts; here an unknown id.
  "operators.revokeInvite": { type: "mutation", deny: () => ({ inviteId: randomUUID() }) },
  // Public: an invitation link's token is all they take.
  "operators.inviteInfo": { type: "query", self: true },
  "operators.acceptInvite": { type: "mutation", self: true },
  "servers.create": { type: "mutation", deny: (b) => ({ tenantId: b.tenantId, name: "rogue" }), own: (a) => ({ tenantId: a.tenantId, name: "pbx-new" }) },
  "servers.list": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "servers.get": { type: "query", deny: (b) => ({ serverId: b.serverId }) },
  "servers.update": { type: "mutation", deny: (b) => ({ serverId: b.serverId, mediaOpenToAll: false }), own: (a) => ({ serverId: a.serverId, region: "nyc3" }) },
  "servers.regenerateEnrollment": { type: "mutation", deny: (b) => ({ serverId: b.serverId }), own: (a) => ({ serverId: a.serverId }) },
  "servers.revoke": { type: "mutation", deny: (b) => ({ serverId: b.serverId }), own: (a) => ({ serverId: a.serverId }) },
  "servers.delete": { type: "mutation", deny: (b) => ({ serverId: b.serverId }), own: (a) => ({ serverId: a.serverId }) },
  "entries.add": { type: "mutation", deny: (b) => ({ source: "192.0.2.66", services: ["sip"], scope: { kind: "SERVER", serverId: b.serverId } }), own: (a) => ({ source: "192.0.2.67", services: ["sip"], scope: { kind: "TENANT", tenantId: a.tenantId } }) },
  "entries.addIp": { type: "mutation", deny: (b) => ({ source: "192.0.2.66", services: ["sip"], scope: { kind: "TENANT", tenantId: b.tenantId } }), own: (a) => ({ source: "192.0.2.68", services: ["sip"], scope: { kind: "SERVER", serverId: a.serverId } }) },
  "entries.addFqdn": {
    type: "mutation",
    deny: (b) => ({ source: "evil.example.net", services: ["sip"], scope: { kind: "GROUP", tenantId: b.tenantId, group: "nyc" } }),
    own: (a) => ({ source: "ok.example.net", services: ["sip"], scope: { kind: "GROUP", tenantId: a.tenantId, group: "nyc" } }),
  },
  "entries.remove": { type: "mutation", deny: (b) => ({ entryId: b.entryId }), own: (a) => ({ entryId: a.entryId }) },
  "entries.setExpiry": { type: "mutation", deny: (b) => ({ entryId: b.entryId, expiresAt: later() }), own: (a) => ({ entryId: a.entryId, expiresAt: later() }) },
  "entries.update": { type: "mutation", deny: (b) => ({ entryId: b.entryId, comment: "mine now" }), own: (a) => ({ entryId: a.entryId, comment: "renamed" }) },
  // A read that travels as POST (a pasted file does not fit in a URL): a viewer may preview.
  "entries.importPreview": { type: "mutation", deny: (b) => ({ text: "192.0.2.66, sip", scope: { kind: "SERVER", serverId: b.serverId } }) },
  "entries.import": { type: "mutation", deny: (b) => ({ text: "192.0.2.66, sip", scope: { kind: "TENANT", tenantId: b.tenantId } }), own: (a) => ({ text: "192.0.2.70, sip", scope: { kind: "SERVER", serverId: a.serverId } }) },
  "entries.list": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "customServices.create": {
    type: "mutation",
    deny: (b) => ({ id: "spy-svc", name: "Spy", protocol: "tcp", portFrom: 1, portTo: 1, tenantId: b.tenantId }),
    own: (a) => ({ id: "acme-svc", name: "Acme", protocol: "udp", portFrom: 7000, portTo: 7001, tenantId: a.tenantId }),
  },
  "customServices.list": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "services.catalogue": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "customServices.delete": { type: "mutation", deny: (b) => ({ customServiceId: b.customServiceId }), own: (a) => ({ customServiceId: a.customServiceId }) },
  "presets.list": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "presets.enable": { type: "mutation", deny: (b) => ({ presetId: "teliax", serverId: b.serverId }), own: (a) => ({ presetId: "teliax", tenantId: a.tenantId }) },
  "presets.disable": { type: "mutation", deny: (b) => ({ presetEnablementId: b.presetEnablementId }), own: (a) => ({ presetEnablementId: a.presetEnablementId }) },
  // Presets are fleet-wide: only an MSP admin makes, changes or deletes one (api-presets.test.ts).
  "presets.create": { type: "mutation", deny: () => ({ name: "Spy trunk", hosts: ["198.51.100.99"], services: ["sip"] }), code: "FORBIDDEN" },
  "presets.update": { type: "mutation", deny: () => ({ presetId: "teliax", hosts: ["198.51.100.99"] }), code: "FORBIDDEN" },
  "presets.delete": { type: "mutation", deny: () => ({ presetId: "teliax" }), code: "FORBIDDEN" },
  "rulesets.effective": { type: "query", deny: (b) => ({ serverId: b.serverId }) },
  "rulesets.explain": { type: "query", deny: (b) => ({ serverId: b.serverId, address: "203.0.113.7" }) },
  "audit.list": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "audit.exportCsv": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  // Alert rules (src/api/routers/alerts.ts): Acme has none to list here; alerts.test.ts lists, and
  // refuses another tenant's rule ids; here an unknown id.
  "alerts.list": { type: "query", deny: (b) => ({ tenantId: b.tenantId }) },
  "alerts.add": {
    type: "mutation",
    deny: (b) => ({ tenantId: b.tenantId, name: "spy", kinds: ["server.offline"], channel: "EMAIL", email: "spy@example.net" }),
    own: (a) => ({ tenantId: a.tenantId, name: "on call", kinds: ["server.offline"], channel: "EMAIL", email: "oncall@example.net" }),
  },
  "alerts.remove": { type: "mutation", deny: () => ({ alertRuleId: randomUUID() }) },
  "alerts.test": { type: "mutation", deny: () => ({ alertRuleId: randomUUID() }) },
  "alerts.deliveries": { type: "query", deny: () => ({ alertRuleId: randomUUID() }) },
  // The travelers router (src/api/routers/travelers.ts): its rows live here too, so that
  // isolation is proven for every router in one table.
  // The control plane's own phone settings (number, IVR on/off, mail mode): no tenant's data in it.
  "travelers.phoneSetup": { type: "query", self: true },
  "travelers.list": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "travelers.get": { type: "query", deny: (b) => ({ travelerId: b.travelerId }) },
  "travelers.create": {
    type: "mutation",
    deny: (b) => ({ tenantId: b.tenantId, name: "Spy", email: "spy@example.net" }),
    own: (a) => ({ tenantId: a.tenantId, name: "Sam", email: "sam@example.net" }),
  },
  "travelers.update": { type: "mutation", deny: (b) => ({ travelerId: b.travelerId, name: "Renamed" }), own: (a) => ({ travelerId: a.travelerId, name: "Renamed" }) },
  "travelers.setEnabled": { type: "mutation", deny: (b) => ({ travelerId: b.travelerId, enabled: false }), own: (a) => ({ travelerId: a.travelerId, enabled: false }) },
  "travelers.resetPin": { type: "mutation", deny: (b) => ({ travelerId: b.travelerId }), own: (a) => ({ travelerId: a.travelerId }) },
  "travelers.delete": { type: "mutation", deny: (b) => ({ travelerId: b.travelerId }), own: (a) => ({ travelerId: a.travelerId }) },
  "travelers.grants": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "travelers.grant": { type: "mutation", deny: (b) => ({ travelerId: b.travelerId, address: "203.0.113.5" }), own: (a) => ({ travelerId: a.travelerId, address: "203.0.113.6" }) },
  "travelers.revokeGrant": { type: "mutation", deny: (b) => ({ grantId: b.grantId }), own: (a) => ({ grantId: a.grantId }) },
  // The agent hub's fleet view (src/api/routers/fleet.ts).
  "fleet.status": { type: "query", list: true, filterTo: (b) => ({ tenantId: b.tenantId }) },
  "fleet.server": { type: "query", deny: (b) => ({ serverId: b.serverId }) },
  // Drop telemetry of one server (src/api/routers/knocks.ts).
  "knocks.top": { type: "query", deny: (b) => ({ serverId: b.serverId }) },
  "knocks.series": { type: "query", deny: (b) => ({ serverId: b.serverId }) },
  "knocks.ports": { type: "query", deny: (b) => ({ serverId: b.serverId }) },
  // A tenant's knocks summed over its servers, and the fleet page's trend filtered to a tenant.
  "knocks.tenantTop": { type: "query", deny: (b) => ({ tenantId: b.tenantId }) },
  "knocks.tenantSeries": { type: "query", deny: (b) => ({ tenantId: b.tenantId }) },
  "knocks.tenantPorts": { type: "query", deny: (b) => ({ tenantId: b.tenantId }) },
  "knocks.fleetTrend": { type: "query", deny: (b) => ({ tenantId: b.tenantId }) },
  // The geo database's version and attribution: the same for everyone, no tenant's data in it.
  "geo.status": { type: "query", self: true },
  // What a source would be as an entry (its canonical form, warnings, whether a country covers
  // the caller's own address): it reads no tenant's data and writes nothing.
  "entries.checkSource": { type: "query", self: true },
};

const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));
/** Rows of procedures this build of the API has (a router may land after its rows). */
const ROWS = Object.entries(TABLE).filter(([path]) => PROCEDURES.has(path));

/** Every id among one tenant's things (spread, because an interface has no index signature). */
function idsOf(things: Things): string[] {
  return Object.values<string>({ ...things });
}

describe.each(testDatabaseKinds())("tenant isolation on %s", (kind) => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let a: Things;
  let b: Things;
  let acmeAdmin: Api;
  let acmeViewer: Api;

  beforeAll(async () => {
    test = await startUnderTest(kind);
    fleet = await seedFleet(test.admin);
    ({ things: a, adminApi: acmeAdmin, viewerApi: acmeViewer } = await seedTenantThings(test, fleet.tenantA.id, fleet.serverA1, "a"));
    ({ things: b } = await seedTenantThings(test, fleet.tenantB.id, fleet.serverB1, "b"));
    await test.admin.entries.add.mutate({ source: "192.0.2.200", services: ["sip"], comment: "fleet trunk", scope: { kind: "FLEET" } });
  });
  afterAll(async () => {
    await test.stop();
  });

  it("has a row for every procedure of the API", () => {
    expect([...PROCEDURES].filter((path) => !(path in TABLE))).toEqual([]);
  });

  it("a tenant admin of Acme can neither read nor change anything of Bravo, on every router", async () => {
    const before = { revisions: await revisions(test), bravo: await bravoSnapshot() };
    for (const [path, row] of ROWS) {
      if ("deny" in row) {
        const error = await errorOf(call(acmeAdmin, path, row.type, row.deny(b)));
        expect({ path, code: error.code }).toEqual({ path, code: row.code ?? "NOT_FOUND" });
      } else if ("list" in row) {
        const listed = JSON.stringify(await call(acmeAdmin, path, "query", undefined));
        for (const id of idsOf(b)) expect({ path, leaked: listed.includes(id) ? id : null }).toEqual({ path, leaked: null });
        expect({ path, acme: idsOf(a).some((id) => listed.includes(id)) }).toEqual({ path, acme: true });
        if (row.filterTo) expect({ path, code: (await errorOf(call(acmeAdmin, path, "query", row.filterTo(b)))).code }).toEqual({ path, code: "NOT_FOUND" });
      }
    }
    expect(await revisions(test)).toEqual(before.revisions);
    expect(await bravoSnapshot()).toEqual(before.bravo);
  });

  it("another tenant's id and an id that does not exist get the same answer", async () => {
    const unknown = randomUUID();
    const theirs = await errorOf(acmeAdmin.servers.get.query({ serverId: b.serverId }));
    const nobody = await errorOf(acmeAdmin.servers.get.query({ serverId: unknown }));
    expect(theirs.code).toBe(nobody.code);
    expect(theirs.message.replace(b.serverId, "ID")).toBe(nobody.message.replace(unknown, "ID"));
  });

  it("fleet-wide entries are visible to a tenant admin but only an MSP admin changes them", async () => {
    const { entries } = await acmeAdmin.entries.list.query({});
    const fleetEntry = entries.find((entry) => entry.scope === "FLEET");
    expect(fleetEntry).toMatchObject({ source: "192.0.2.200", comment: "fleet trunk" });
    expect((await errorOf(acmeAdmin.entries.remove.mutate({ entryId: fleetEntry!.id }))).code).toBe("FORBIDDEN");
    expect((await errorOf(acmeAdmin.entries.add.mutate({ source: "192.0.2.201", services: ["sip"], scope: { kind: "FLEET" } }))).code).toBe("FORBIDDEN");
    expect((await errorOf(acmeAdmin.operators.create.mutate({ email: "boss@example.net", name: "Boss", password, role: "MSP_ADMIN" }))).code).toBe("FORBIDDEN");
  });

  it("a viewer cannot change anything, not even in their own tenant", async () => {
    const before = { revisions: await revisions(test), audit: await test.db.prisma.auditEvent.count() };
    for (const [path, row] of ROWS) {
      if (!("own" in row) || row.own === undefined) continue;
      expect({ path, code: (await errorOf(call(acmeViewer, path, "mutation", row.own(a)))).code }).toEqual({ path, code: "FORBIDDEN" });
    }
    expect(await revisions(test)).toEqual(before.revisions);
    expect(await test.db.prisma.auditEvent.count()).toBe(before.audit);
    // Reading their own tenant works.
    expect((await acmeViewer.servers.list.query({})).servers.map((server) => server.name)).toEqual(["pbx-a1", "pbx-a2"]);
  });

  it("a tenant admin changes their own tenant (the same procedures, on their own ids)", async () => {
    const entry = await acmeAdmin.entries.add.mutate({ source: "192.0.2.77", services: ["sip"], scope: { kind: "SERVER", serverId: a.serverId } });
    await acmeAdmin.entries.setExpiry.mutate({ entryId: entry.id, expiresAt: later() });
    await acmeAdmin.entries.remove.mutate({ entryId: entry.id });
    await acmeAdmin.servers.update.mutate({ serverId: a.serverId, region: "nyc3" });
    expect((await acmeAdmin.audit.list.query({ targetId: entry.id })).events).toHaveLength(3);
  });

  async function bravoSnapshot() {
    const { prisma } = test.db;
    const tenantId = fleet.tenantB.id;
    return {
      tenant: await prisma.tenant.findUnique({ where: { id: tenantId } }),
      servers: await prisma.server.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
      entries: await prisma.allowEntry.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
      operators: await prisma.operator.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
      tokens: await prisma.apiToken.findMany({ where: { operator: { tenantId } }, orderBy: { id: "asc" } }),
      services: await prisma.customService.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
      presets: await prisma.presetEnablement.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
      travelers: await prisma.traveler.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
      grants: await prisma.travelerGrant.findMany({ where: { traveler: { tenantId } }, orderBy: { id: "asc" } }),
      audit: await prisma.auditEvent.count({ where: { tenantId } }),
    };
  }
});
