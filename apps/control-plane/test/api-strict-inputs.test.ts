// The attack that made a tenant admin an MSP admin: keys a procedure does not take, naming the
// caller's own tenant, server and operator, beside a fleet-level change. The access check used
// to find those ids in the raw request and call the change "their own", while the procedure,
// seeing only what its schema kept, acted on the whole fleet. Now every procedure refuses any
// key it does not take (BAD_REQUEST, never 500) and changes nothing, and fleet-level acts are
// FORBIDDEN to everyone but an MSP admin whatever the input names. The table is checked
// against the router itself, so a procedure added without a row fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@gatehouse/db";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { appRouter } from "../src/api/router.ts";
import { errorOf, revisions, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest, OPERATOR_PASSWORD as password, seedTenantThings, type Things } from "./kit/index.ts";

interface Row {
  type: "query" | "mutation";
  /** An input the procedure accepts, naming the caller's own things. */
  valid: (own: Things) => Record<string, unknown>;
}

const q = (valid: Row["valid"] = () => ({})): Row => ({ type: "query", valid });
const m = (valid: Row["valid"] = () => ({})): Row => ({ type: "mutation", valid });
const later = () => new Date(Date.now() + 86_400_000).toISOString();

const TABLE: Record<string, Row> = {
  "auth.login": m(() => ({ email: "a-admin@example.net", password })),
  "auth.logout": m(),
  "auth.me": q(),
  "auth.changePassword": m(() => ({ currentPassword: password, newPassword: "another long password" })),
  "apiTokens.create": m(() => ({ name: "script" })),
  "apiTokens.list": q(),
  "apiTokens.revoke": m((a) => ({ tokenId: a.tokenId })),
  "tenants.create": m(() => ({ name: "Charlie" })),
  "tenants.list": q(),
  "tenants.rename": m((a) => ({ tenantId: a.tenantId, name: "Acme Corp" })),
  "tenants.delete": m((a) => ({ tenantId: a.tenantId })),
  "operators.create": m((a) => ({ email: "new@example.net", name: "New", password, role: "VIEWER", tenantId: a.tenantId })),
  "operators.list": q((a) => ({ tenantId: a.tenantId })),
  "operators.setDisabled": m((a) => ({ operatorId: a.operatorId })),
  "operators.setPassword": m((a) => ({ operatorId: a.operatorId, password })),
  "operators.setRole": m((a) => ({ operatorId: a.operatorId, role: "VIEWER", tenantId: a.tenantId })),
  "operators.invite": m((a) => ({ email: "invited@example.net", name: "Invited", role: "VIEWER", tenantId: a.tenantId })),
  "operators.invites": q((a) => ({ tenantId: a.tenantId })),
  "operators.revokeInvite": m(() => ({ inviteId: "00000000-0000-4000-8000-000000000000" })),
  "operators.inviteInfo": q(() => ({ token: "A".repeat(43) })),
  "operators.acceptInvite": m(() => ({ token: "A".repeat(43), password })),
  "servers.create": m((a) => ({ tenantId: a.tenantId, name: "pbx-new" })),
  "servers.list": q(),
  "servers.get": q((a) => ({ serverId: a.serverId })),
  "servers.update": m((a) => ({ serverId: a.serverId, region: "nyc3" })),
  "servers.regenerateEnrollment": m((a) => ({ serverId: a.serverId })),
  "servers.revoke": m((a) => ({ serverId: a.serverId })),
  "servers.delete": m((a) => ({ serverId: a.serverId })),
  "entries.add": m((a) => ({ source: "192.0.2.67", services: ["sip"], scope: { kind: "SERVER", serverId: a.serverId } })),
  "entries.addIp": m((a) => ({ source: "192.0.2.68", services: ["sip"], scope: { kind: "SERVER", serverId: a.serverId } })),
  "entries.addFqdn": m((a) => ({ source: "ok.example.net", services: ["sip"], scope: { kind: "GROUP", tenantId: a.tenantId, group: "nyc" } })),
  "entries.remove": m((a) => ({ entryId: a.entryId })),
  "entries.setExpiry": m((a) => ({ entryId: a.entryId, expiresAt: later() })),
  "entries.update": m((a) => ({ entryId: a.entryId, comment: "renamed" })),
  "entries.importPreview": m((a) => ({ text: "192.0.2.69, sip", scope: { kind: "SERVER", serverId: a.serverId } })),
  "entries.import": m((a) => ({ text: "192.0.2.70, sip", scope: { kind: "SERVER", serverId: a.serverId } })),
  "entries.list": q(),
  "entries.checkSource": q(() => ({ source: "192.0.2.71", services: ["sip"] })),
  "customServices.create": m((a) => ({ id: "acme-svc", name: "Acme", protocol: "udp", portFrom: 7000, portTo: 7001, tenantId: a.tenantId })),
  "customServices.list": q(),
  "customServices.delete": m((a) => ({ customServiceId: a.customServiceId })),
  "services.catalogue": q(),
  "presets.list": q(),
  "presets.enable": m((a) => ({ presetId: "teliax", tenantId: a.tenantId })),
  "presets.disable": m((a) => ({ presetEnablementId: a.presetEnablementId })),
  "presets.create": m(() => ({ name: "Spy trunk", hosts: ["198.51.100.99"], services: ["sip"] })),
  "presets.update": m(() => ({ presetId: "teliax", hosts: ["198.51.100.99"] })),
  "presets.delete": m(() => ({ presetId: "teliax" })),
  "rulesets.effective": q((a) => ({ serverId: a.serverId })),
  "rulesets.explain": q((a) => ({ serverId: a.serverId, address: "203.0.113.7" })),
  "audit.list": q(),
  "audit.exportCsv": q(),
  "alerts.list": q(),
  "alerts.add": m((a) => ({ tenantId: a.tenantId, name: "on call", kinds: ["server.offline"], channel: "EMAIL", email: "oncall@example.net" })),
  "alerts.remove": m(() => ({ alertRuleId: "00000000-0000-4000-8000-000000000000" })),
  "alerts.test": m(() => ({ alertRuleId: "00000000-0000-4000-8000-000000000000" })),
  "alerts.deliveries": q(),
  "travelers.phoneSetup": q(),
  "travelers.list": q(),
  "travelers.get": q((a) => ({ travelerId: a.travelerId })),
  "travelers.create": m((a) => ({ tenantId: a.tenantId, name: "Sam", email: "sam@example.net" })),
  "travelers.update": m((a) => ({ travelerId: a.travelerId, name: "Renamed" })),
  "travelers.setEnabled": m((a) => ({ travelerId: a.travelerId, enabled: false })),
  "travelers.resetPin": m((a) => ({ travelerId: a.travelerId })),
  "travelers.delete": m((a) => ({ travelerId: a.travelerId })),
  "travelers.grants": q(),
  "travelers.grant": m((a) => ({ travelerId: a.travelerId, address: "203.0.113.6" })),
  "travelers.revokeGrant": m((a) => ({ grantId: a.grantId })),
  "fleet.status": q(),
  "fleet.server": q((a) => ({ serverId: a.serverId })),
  "knocks.top": q((a) => ({ serverId: a.serverId })),
  "knocks.series": q((a) => ({ serverId: a.serverId })),
  "knocks.ports": q((a) => ({ serverId: a.serverId })),
  "knocks.tenantTop": q((a) => ({ tenantId: a.tenantId })),
  "knocks.tenantSeries": q((a) => ({ tenantId: a.tenantId })),
  "knocks.tenantPorts": q((a) => ({ tenantId: a.tenantId })),
  "knocks.fleetTrend": q(),
  "geo.status": q(),
};

const PROCEDURES = Object.keys(appRouter._def.procedures);

/** The caller's own ids, under every id key the input does not already have, and one more. */
function withStrayKeys(input: Record<string, unknown>, own: Things): Record<string, unknown> {
  const stray: Record<string, unknown> = { tenantId: own.tenantId, serverId: own.serverId, operatorId: own.operatorId };
  for (const key of Object.keys(input)) delete stray[key];
  return { ...input, ...stray, fleetId: own.tenantId };
}

interface HttpAnswer {
  status: number;
  code: string | undefined;
  message: string | undefined;
}

/** A call as any HTTP client can make it, with the body it chooses. */
async function rawCall(url: string, token: string | null, path: string, type: "query" | "mutation", input: unknown): Promise<HttpAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json", ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
  const response =
    type === "query"
      ? await fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(`${url}/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(input) });
  const body = (await response.json()) as { error?: { message?: string; data?: { code?: string } } };
  return { status: response.status, code: body.error?.data?.code, message: body.error?.message };
}

describe.each(testDatabaseKinds())("strict inputs and fleet-level acts on %s", (kind) => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let a: Things;
  let acmeAdmin: Api;
  let acmeViewer: Api;
  let acmeToken: string;
  let viewerToken: string;

  /** Every table's row count and every server's revision: nothing refused may change them. */
  async function fingerprint(): Promise<Record<string, unknown>> {
    const prisma = test.db.prisma as unknown as Record<string, { count(): Promise<number> }>;
    const counts: Record<string, number> = {};
    for (const model of Object.values(Prisma.ModelName)) {
      const delegate = prisma[model.charAt(0).toLowerCase() + model.slice(1)];
      if (delegate) counts[model] = await delegate.count();
    }
    return { counts, revisions: await revisions(test) };
  }

  beforeAll(async () => {
    test = await startUnderTest(kind);
    fleet = await seedFleet(test.admin);
    ({ things: a, adminApi: acmeAdmin, viewerApi: acmeViewer } = await seedTenantThings(test, fleet.tenantA.id, fleet.serverA1, "a"));
    await seedTenantThings(test, fleet.tenantB.id, fleet.serverB1, "b");
    acmeToken = (await acmeAdmin.apiTokens.create.mutate({ name: "attacker" })).token;
    viewerToken = (await acmeViewer.apiTokens.create.mutate({ name: "viewer" })).token;
  });
  afterAll(async () => {
    await test.stop();
  });

  it("has a row for every procedure of the router", () => {
    expect(PROCEDURES.filter((path) => !(path in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((path) => !PROCEDURES.includes(path))).toEqual([]);
  });

  it("every procedure refuses keys it does not take, naming the caller's own ids: BAD_REQUEST, nothing changes", async () => {
    const before = await fingerprint();
    for (const [path, row] of Object.entries(TABLE)) {
      const answer = await rawCall(test.plane.url, acmeToken, path, row.type, withStrayKeys(row.valid(a), a));
      expect({ path, status: answer.status, code: answer.code }).toEqual({ path, status: 400, code: "BAD_REQUEST" });
      expect({ path, says: /does not take the field/.test(answer.message ?? "") }).toEqual({ path, says: true });
    }
    expect(await fingerprint()).toEqual(before);
    // The refused logout did not sign the attacker out either.
    expect((await acmeAdmin.auth.me.query())?.email).toBe("a-admin@example.net");
  });

  it("a stranger without a session gets UNAUTHORIZED from every procedure but signing in and accepting an invitation, and nothing changes", async () => {
    const open = new Set(["auth.login", "auth.me", "operators.inviteInfo", "operators.acceptInvite"]);
    const before = await fingerprint();
    for (const [path, row] of Object.entries(TABLE)) {
      if (open.has(path)) continue;
      const answer = await rawCall(test.plane.url, null, path, row.type, row.valid(a));
      expect({ path, status: answer.status, code: answer.code }).toEqual({ path, status: 401, code: "UNAUTHORIZED" });
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("the same inputs without the stray keys are accepted as far as parsing goes (the rows are real inputs)", async () => {
    // Queries only: they change nothing, and each must answer (not BAD_REQUEST) for its own ids.
    for (const [path, row] of Object.entries(TABLE)) {
      if (row.type !== "query") continue;
      const answer = await rawCall(test.plane.url, acmeToken, path, "query", row.valid(a));
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    }
  });

  it("the reported exploits answer BAD_REQUEST over HTTP and open nothing", async () => {
    const before = await fingerprint();
    const attempts: [string, unknown][] = [
      ["entries.add", { source: "45.0.0.0/8", services: ["all"], scope: { kind: "FLEET" }, tenantId: a.tenantId }],
      ["entries.add", { source: "45.0.0.0/8", services: ["all"], scope: { kind: "FLEET", tenantId: a.tenantId } }],
      ["operators.create", { email: "x@example.net", name: "X", password, role: "MSP_ADMIN", serverId: a.serverId }],
      ["customServices.create", { id: "x", name: "x", protocol: "tcp", portFrom: 22, portTo: 22, serverId: a.serverId }],
      ["servers.list", { fooId: "anything" }],
    ];
    for (const [path, input] of attempts) {
      const answer = await rawCall(test.plane.url, acmeToken, path, path.endsWith("list") ? "query" : "mutation", input);
      expect({ path, status: answer.status, code: answer.code }).toEqual({ path, status: 400, code: "BAD_REQUEST" });
    }
    expect(await fingerprint()).toEqual(before);
    const bravo = await test.admin.rulesets.effective.query({ serverId: fleet.serverB1 });
    expect(JSON.stringify(bravo)).not.toContain("45.0.0.0");
    expect((await errorOf(test.signIn("x@example.net", password))).code).toBe("UNAUTHORIZED");
  });

  describe.each([
    { who: "a tenant admin", token: () => acmeToken },
    { who: "a viewer", token: () => viewerToken },
  ])("$who's fleet-level acts", ({ token }) => {
    const FLEET_ACTS: [string, () => Record<string, unknown>][] = [
      ["entries.add", () => ({ source: "45.0.0.0/8", services: ["all"], scope: { kind: "FLEET" } })],
      ["entries.addIp", () => ({ source: "45.0.0.0/8", services: ["all"], scope: { kind: "FLEET" } })],
      ["entries.addFqdn", () => ({ source: "everyone.example.net", services: ["all"], scope: { kind: "FLEET" } })],
      ["entries.import", () => ({ text: "45.0.0.0/8, all", scope: { kind: "FLEET" } })],
      ["entries.update", () => ({ entryId: a.entryId, scope: { kind: "FLEET" } })],
      ["customServices.create", () => ({ id: "fleet-ssh", name: "x", protocol: "tcp", portFrom: 22, portTo: 22 })],
      ["operators.create", () => ({ email: "boss@example.net", name: "Boss", password, role: "MSP_ADMIN" })],
      ["operators.invite", () => ({ email: "boss@example.net", name: "Boss", role: "MSP_ADMIN" })],
      ["operators.setRole", () => ({ operatorId: a.operatorId, role: "MSP_ADMIN" })],
      ["alerts.add", () => ({ name: "everything", kinds: ["server.offline"], channel: "EMAIL", email: "noc@example.net" })],
      ["tenants.create", () => ({ name: "Charlie" })],
      ["presets.create", () => ({ name: "Spy trunk", hosts: ["45.0.0.0/8"], services: ["all"] })],
      ["presets.update", () => ({ presetId: "teliax", hosts: ["45.0.0.0/8"] })],
      ["presets.delete", () => ({ presetId: "teliax" })],
    ];

    it("are FORBIDDEN as they stand, and refused with stray ids of their own, changing nothing", async () => {
      const before = await fingerprint();
      for (const [path, input] of FLEET_ACTS) {
        const plain = await rawCall(test.plane.url, token(), path, "mutation", input());
        expect({ path, code: plain.code }).toEqual({ path, code: "FORBIDDEN" });
        const stray = await rawCall(test.plane.url, token(), path, "mutation", withStrayKeys(input(), a));
        expect({ path, refused: stray.status >= 400 && stray.status < 500 }).toEqual({ path, refused: true });
      }
      expect(await fingerprint()).toEqual(before);
    });
  });

  it("an MSP admin account cannot be named, changed or disabled by a tenant admin", async () => {
    const msp = await test.db.prisma.operator.findFirstOrThrow({ where: { role: "MSP_ADMIN" } });
    expect((await errorOf(acmeAdmin.operators.setPassword.mutate({ operatorId: msp.id, password }))).code).toBe("NOT_FOUND");
    expect((await errorOf(acmeAdmin.operators.setDisabled.mutate({ operatorId: msp.id }))).code).toBe("NOT_FOUND");
  });

  it("every audit row of a tenant admin's changes is attributed to their tenant, and they see it", async () => {
    const entry = await acmeAdmin.entries.add.mutate({ source: "192.0.2.90", services: ["sip"], scope: { kind: "SERVER", serverId: a.serverId } });
    await acmeAdmin.customServices.create.mutate({ id: "acme-fax", name: "Fax", protocol: "udp", portFrom: 9100, portTo: 9100, tenantId: a.tenantId });
    await acmeAdmin.servers.update.mutate({ serverId: a.serverId, region: "ams3" });
    await acmeAdmin.apiTokens.create.mutate({ name: "cron" });
    const me = await acmeAdmin.auth.me.query();
    const rows = await test.db.prisma.auditEvent.findMany({ where: { actor: `operator:${me!.id}` } });
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.filter((row) => row.tenantId !== a.tenantId).map((row) => row.action)).toEqual([]);
    const seen = (await acmeAdmin.audit.list.query({ limit: 100 })).events.map((event) => event.id);
    expect(rows.filter((row) => !seen.includes(row.id)).map((row) => row.action)).toEqual([]);
    expect(rows.some((row) => row.targetId === entry.id)).toBe(true);
  });
});
