// Managing tenants and servers through the API, as the console and the CLI do: a tenant shows
// what it holds before anyone deletes it, a tenant that still has servers is never deleted
// (the rest of what it holds goes with it), names stay unambiguous, and a hostile tenant admin can neither
// touch the tenants nor move or rename their way into another tenant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, revisions, seedFleet, startUnderTest, OPERATOR_PASSWORD as password, type Api, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

describe("tenants and servers managed through the API", () => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let acmeAdmin: Api;
  let acmeViewer: Api;

  beforeAll(async () => {
    test = await startUnderTest();
    fleet = await seedFleet(test.admin);
    await test.admin.operators.create.mutate({ email: "it@acme.example", name: "Acme IT", password, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    await test.admin.operators.create.mutate({ email: "look@acme.example", name: "Acme viewer", password, role: "VIEWER", tenantId: fleet.tenantA.id });
    acmeAdmin = await test.signIn("it@acme.example", password);
    acmeViewer = await test.signIn("look@acme.example", password);
  });
  afterAll(async () => {
    await test.stop();
  });

  async function tenantNamed(name: string) {
    const { tenants } = await test.admin.tenants.list.query({});
    return tenants.find((tenant) => tenant.name === name);
  }

  it("a tenant lists what it holds: its servers, which block its deletion, and what would go with it", async () => {
    await test.admin.entries.add.mutate({ source: "198.51.100.0/24", services: ["sip"], scope: { kind: "TENANT", tenantId: fleet.tenantA.id } });
    await test.admin.entries.add.mutate({ source: "192.0.2.9", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    await test.admin.customServices.create.mutate({ id: "acme-fax", name: "Fax", protocol: "udp", portFrom: 9000, portTo: 9000, tenantId: fleet.tenantA.id });
    await test.admin.presets.enable.mutate({ presetId: "voip-ms", tenantId: fleet.tenantA.id });
    expect(await tenantNamed("Acme")).toMatchObject({ servers: 2, operators: 2, travelers: 0, entries: 2, customServices: 1, presetSwitches: 1 });
  });

  it("a tenant that still has servers is not deleted, and the refusal says so", async () => {
    const error = await errorOf(test.admin.tenants.delete.mutate({ tenantId: fleet.tenantA.id }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("tenant Acme still has 2 servers; delete them first (their agents are disconnected and keep their last rules)");
    expect(await tenantNamed("Acme")).toMatchObject({ servers: 2, entries: 2 });
  });

  it("a tenant without servers is deleted with its operators (who cannot sign in any more), entries and custom services, and says how many", async () => {
    const charlie = await test.admin.tenants.create.mutate({ name: "Charlie" });
    await test.admin.operators.create.mutate({ email: "it@charlie.example", name: "Charlie IT", password, role: "TENANT_ADMIN", tenantId: charlie.id });
    const charlieAdmin = await test.signIn("it@charlie.example", password);
    expect((await charlieAdmin.tenants.list.query({})).tenants.map((tenant) => tenant.name)).toEqual(["Charlie"]);
    await test.admin.entries.add.mutate({ source: "203.0.113.0/28", services: ["sip"], scope: { kind: "TENANT", tenantId: charlie.id } });
    await test.admin.customServices.create.mutate({ id: "charlie-fax", name: "Fax", protocol: "udp", portFrom: 9100, portTo: 9100, tenantId: charlie.id });
    const before = await revisions(test);
    const result = await test.admin.tenants.delete.mutate({ tenantId: charlie.id });
    expect(result).toEqual({ deleted: true, name: "Charlie", removed: { operators: 1, travelers: 0, entries: 1, customServices: 1, presetSwitches: 0 } });
    expect(await tenantNamed("Charlie")).toBeUndefined();
    expect((await errorOf(charlieAdmin.tenants.list.query({}))).code).toBe("UNAUTHORIZED");
    expect(await test.db.prisma.operator.count({ where: { email: "it@charlie.example" } })).toBe(0);
    expect(await test.db.prisma.allowEntry.count({ where: { source: "203.0.113.0/28" } })).toBe(0);
    expect(await revisions(test)).toEqual(before);
    const { events } = await test.admin.audit.list.query({ targetId: charlie.id });
    expect(events.map((event) => event.action).sort()).toEqual(["tenant.created", "tenant.deleted"]);
  });

  it("tenant names are unique whatever their case, on create and on rename", async () => {
    const created = await errorOf(test.admin.tenants.create.mutate({ name: "acme" }));
    expect([created.code, created.message]).toEqual(["CONFLICT", "a tenant named Acme already exists"]);
    const renamed = await errorOf(test.admin.tenants.rename.mutate({ tenantId: fleet.tenantB.id, name: "ACME" }));
    expect([renamed.code, renamed.message]).toEqual(["CONFLICT", "a tenant named Acme already exists"]);
    // A tenant may change its own name's case.
    expect((await test.admin.tenants.rename.mutate({ tenantId: fleet.tenantB.id, name: "BRAVO" })).name).toBe("BRAVO");
    expect((await test.admin.tenants.rename.mutate({ tenantId: fleet.tenantB.id, name: "Bravo" })).name).toBe("Bravo");
  });

  it("a tenant admin cannot create, rename or delete tenants, not even their own", async () => {
    const before = await test.admin.tenants.list.query({});
    for (const attempt of [
      () => acmeAdmin.tenants.create.mutate({ name: "Acme Shadow" }),
      () => acmeAdmin.tenants.rename.mutate({ tenantId: fleet.tenantA.id, name: "Acme Renamed" }),
      () => acmeAdmin.tenants.rename.mutate({ tenantId: fleet.tenantB.id, name: "Bravo Renamed" }),
      () => acmeAdmin.tenants.delete.mutate({ tenantId: fleet.tenantB.id }),
    ]) {
      expect((await errorOf(attempt())).code).toBe("FORBIDDEN");
    }
    expect(await test.admin.tenants.list.query({})).toEqual(before);
  });

  it("every server setting is edited in one call, and the agent's revision moves once", async () => {
    const before = await revisions(test, [fleet.serverA2]);
    const server = await acmeAdmin.servers.update.mutate({
      serverId: fleet.serverA2,
      name: "pbx-a2-lax",
      tags: ["west", "lax"],
      primaryAdminSource: "203.0.113.20",
      lanRanges: ["10.20.0.0/16"],
      mediaOpenToAll: false,
      provider: "vultr",
      region: "lax",
    });
    expect(server).toMatchObject({ name: "pbx-a2-lax", tags: ["lax", "west"], primaryAdminSource: "203.0.113.20", lanRanges: ["10.20.0.0/16"], mediaOpenToAll: false, provider: "vultr", region: "lax" });
    expect(server.revision).toBe(before[fleet.serverA2]! + 1);
    const cleared = await acmeAdmin.servers.update.mutate({ serverId: fleet.serverA2, primaryAdminSource: null, lanRanges: [] });
    expect([cleared.primaryAdminSource, cleared.lanRanges]).toEqual([null, []]);
  });

  it("a bad LAN range or admin address is refused at its field and changes nothing", async () => {
    const before = await test.admin.servers.get.query({ serverId: fleet.serverA1 });
    const lan = await errorOf(acmeAdmin.servers.update.mutate({ serverId: fleet.serverA1, lanRanges: ["10.0.0.0/8", "8.8.8.0/24"] }));
    expect([lan.code, lan.field]).toEqual(["BAD_REQUEST", "lanRanges.1"]);
    const admin = await errorOf(acmeAdmin.servers.update.mutate({ serverId: fleet.serverA1, primaryAdminSource: "10.0.0.1" }));
    expect([admin.code, admin.field]).toEqual(["BAD_REQUEST", "primaryAdminSource"]);
    // A hostile tenant admin opening their server to the whole Internet through its base policy.
    for (const wide of [{ lanRanges: ["0.0.0.0/0"] }, { lanRanges: ["::/0"] }, { primaryAdminSource: "0.0.0.0/0" }]) {
      expect((await errorOf(acmeAdmin.servers.update.mutate({ serverId: fleet.serverA1, ...wide }))).code).toBe("BAD_REQUEST");
    }
    expect(await test.admin.servers.get.query({ serverId: fleet.serverA1 })).toMatchObject({ revision: before.revision, lanRanges: before.lanRanges, primaryAdminSource: "203.0.113.10" });
  });

  it("a server cannot take the name of another server of its tenant", async () => {
    const error = await errorOf(acmeAdmin.servers.update.mutate({ serverId: fleet.serverA2, name: "pbx-a1" }));
    expect([error.code, error.message, error.field]).toEqual(["CONFLICT", "tenant Acme already has a server named pbx-a1", "name"]);
  });

  it("a tenant admin cannot move their server into another tenant, nor edit, revoke or delete another tenant's server", async () => {
    const before = { revisions: await revisions(test), b1: await test.db.prisma.server.findUniqueOrThrow({ where: { id: fleet.serverB1 } }) };
    const move = await errorOf(call(acmeAdmin, { serverId: fleet.serverA1, tenantId: fleet.tenantB.id }));
    expect(move.code).toBe("BAD_REQUEST");
    for (const attempt of [
      () => acmeAdmin.servers.update.mutate({ serverId: fleet.serverB1, primaryAdminSource: "203.0.113.66" }),
      () => acmeAdmin.servers.revoke.mutate({ serverId: fleet.serverB1 }),
      () => acmeAdmin.servers.delete.mutate({ serverId: fleet.serverB1 }),
      () => acmeAdmin.servers.regenerateEnrollment.mutate({ serverId: fleet.serverB1 }),
      () => acmeAdmin.servers.create.mutate({ tenantId: fleet.tenantB.id, name: "pbx-a1" }),
    ]) {
      expect((await errorOf(attempt())).code).toBe("NOT_FOUND");
    }
    expect(await revisions(test)).toEqual(before.revisions);
    expect(await test.db.prisma.server.findUniqueOrThrow({ where: { id: fleet.serverB1 } })).toEqual(before.b1);
    expect((await test.admin.servers.get.query({ serverId: fleet.serverA1 })).tenantId).toBe(fleet.tenantA.id);
  });

  it("a viewer can read a server but edit, revoke or delete nothing", async () => {
    const before = await revisions(test);
    expect((await acmeViewer.servers.get.query({ serverId: fleet.serverA1 })).name).toBe("pbx-a1");
    for (const attempt of [
      () => acmeViewer.servers.update.mutate({ serverId: fleet.serverA1, mediaOpenToAll: false }),
      () => acmeViewer.servers.revoke.mutate({ serverId: fleet.serverA1 }),
      () => acmeViewer.servers.delete.mutate({ serverId: fleet.serverA1 }),
      () => acmeViewer.servers.regenerateEnrollment.mutate({ serverId: fleet.serverA1 }),
    ]) {
      expect((await errorOf(attempt())).code).toBe("FORBIDDEN");
    }
    expect(await revisions(test)).toEqual(before);
  });

  it("a server's page says what its deletion takes, and the deletion says it again", async () => {
    const server = await test.admin.servers.create.mutate({ tenantId: fleet.tenantA.id, name: "pbx-short-lived" });
    const serverId = server.server.id;
    await test.admin.entries.add.mutate({ source: "192.0.2.10", services: ["sip"], scope: { kind: "SERVER", serverId } });
    await test.admin.entries.add.mutate({ source: "192.0.2.11", services: ["sip"], scope: { kind: "SERVER", serverId } });
    await test.admin.presets.enable.mutate({ presetId: "voip-ms", serverId });
    expect((await test.admin.servers.get.query({ serverId })).deletedWithIt).toEqual({ entries: 2, presetSwitches: 1 });
    expect(await acmeAdmin.servers.delete.mutate({ serverId })).toEqual({ deleted: true, name: "pbx-short-lived", tenantName: "Acme", removed: { entries: 2, presetSwitches: 1 } });
    expect((await errorOf(test.admin.servers.get.query({ serverId }))).code).toBe("NOT_FOUND");
    expect(await test.db.prisma.allowEntry.count({ where: { serverId } })).toBe(0);
  });
});

/** servers.update with a key its input does not have, the way any HTTP client could send it. */
function call(api: Api, input: Record<string, unknown>): Promise<unknown> {
  return (api.servers.update.mutate as (input: unknown) => Promise<unknown>)(input);
}
