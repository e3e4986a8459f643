// An operator's allowlist changes, end to end over HTTP: what reaches which server's effective
// state, which revisions move, and what the audit log keeps.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import type { RevisionChange } from "../src/bus.ts";
import { errorOf, revisions, seedFleet, startUnderTest, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

describe.each(testDatabaseKinds())("the allowlist API on %s", (kind) => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  const published: RevisionChange[] = [];

  beforeAll(async () => {
    test = await startUnderTest(kind);
    fleet = await seedFleet(test.admin);
    test.plane.bus.subscribe((change) => published.push(change));
  });
  afterAll(async () => {
    await test.stop();
  });
  beforeEach(async () => {
    await test.db.prisma.allowEntry.deleteMany();
    await test.db.prisma.presetEnablement.deleteMany();
    published.length = 0;
  });

  /** Runs `change` and returns by how much each server's revision moved. */
  async function revisionMoves(change: () => Promise<unknown>): Promise<Record<string, number>> {
    const before = await revisions(test);
    await change();
    const after = await revisions(test);
    return Object.fromEntries(Object.keys(after).map((id) => [id, (after[id] ?? 0) - (before[id] ?? 0)]));
  }

  const sources = async (serverId: string) => (await test.admin.rulesets.effective.query({ serverId })).desiredState.entries.map((entry) => entry.source);

  it("a bad address gets the parser's message on the source field and writes nothing", async () => {
    const auditBefore = await test.db.prisma.auditEvent.count();
    const before = await revisions(test);
    const error = await errorOf(test.admin.entries.add.mutate({ source: "198.51.100.300", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 } }));
    expect(error).toEqual({ code: "BAD_REQUEST", message: "198.51.100.300 is not an IPv4 address: octet 4 is 300", field: "source" });
    for (const hostile of ["0.0.0.0/0", "10.0.0.0/4", "198.51.100.7; iptables -F", "010.1.1.1"]) {
      expect(await errorOf(test.admin.entries.add.mutate({ source: hostile, services: ["sip"], scope: { kind: "FLEET" } }))).toMatchObject({ code: "BAD_REQUEST", field: "source" });
    }
    expect(await test.db.prisma.allowEntry.count()).toBe(0);
    expect(await test.db.prisma.auditEvent.count()).toBe(auditBefore);
    expect(await revisions(test)).toEqual(before);
    expect(published).toEqual([]);
  });

  it("opens no service by default: an entry without services is refused on that field and writes nothing", async () => {
    const auditBefore = await test.db.prisma.auditEvent.count();
    const before = await revisions(test);
    const scope = { kind: "SERVER" as const, serverId: fleet.serverA1 };
    // What a script written for Travelin' Man 3's add-ip sends: no services, once meaning every port.
    type AddInput = Parameters<typeof test.admin.entries.add.mutate>[0];
    const unnamed = (source: string) => ({ source, scope }) as unknown as AddInput;
    const missing = { code: "BAD_REQUEST", message: "Services: choose the services: e.g. sip,rtp; all opens every service", field: "services" };
    expect(await errorOf(test.admin.entries.add.mutate(unnamed("198.51.100.7")))).toEqual(missing);
    expect(await errorOf(test.admin.entries.addIp.mutate(unnamed("203.0.113.0/28")))).toEqual(missing);
    expect(await errorOf(test.admin.entries.addFqdn.mutate(unnamed("trunk.example.net")))).toEqual(missing);
    expect(await errorOf(test.admin.entries.add.mutate({ source: "198.51.100.7", services: [], scope }))).toMatchObject({ code: "BAD_REQUEST", field: "services" });
    expect(await test.db.prisma.allowEntry.count()).toBe(0);
    expect(await test.db.prisma.auditEvent.count()).toBe(auditBefore);
    expect(await revisions(test)).toEqual(before);
    expect(published).toEqual([]);
    // Every port stays possible, for whoever names it.
    const everything = await test.admin.entries.add.mutate({ source: "198.51.100.7", services: ["all"], scope });
    expect(everything.services).toEqual(["all"]);
  });

  it("addIp refuses a host name and addFqdn an address; unknown services are named", async () => {
    const scope = { kind: "TENANT" as const, tenantId: fleet.tenantA.id };
    expect(await errorOf(test.admin.entries.addIp.mutate({ source: "sip.example.com", services: ["sip"], scope }))).toMatchObject({ code: "BAD_REQUEST", field: "source" });
    expect(await errorOf(test.admin.entries.addFqdn.mutate({ source: "198.51.100.7", services: ["sip"], scope }))).toMatchObject({ code: "BAD_REQUEST", field: "source" });
    expect(await errorOf(test.admin.entries.add.mutate({ source: "198.51.100.7", services: ["sip", "fax"], scope }))).toMatchObject({ code: "BAD_REQUEST", message: "unknown service: fax", field: "services" });
    expect(await test.db.prisma.allowEntry.count()).toBe(0);
  });

  it("a fleet-wide entry reaches every server, a server-scoped one only its server", async () => {
    await test.admin.entries.add.mutate({ source: "192.0.2.50", services: ["sip"], scope: { kind: "FLEET" } });
    await test.admin.entries.add.mutate({ source: "198.51.100.7", services: ["ssh"], scope: { kind: "SERVER", serverId: fleet.serverA2 } });
    expect(await sources(fleet.serverA1)).toEqual(["192.0.2.50"]);
    expect(await sources(fleet.serverA2)).toEqual(["192.0.2.50", "198.51.100.7"]);
    expect(await sources(fleet.serverB1)).toEqual(["192.0.2.50"]);
  });

  it("tenant and group entries reach exactly their tenant's servers (a same-named group elsewhere is not theirs)", async () => {
    await test.admin.entries.add.mutate({ source: "198.51.100.8", services: ["sip"], scope: { kind: "TENANT", tenantId: fleet.tenantA.id } });
    await test.admin.entries.add.mutate({ source: "trunk.example.net", services: ["sip", "rtp"], scope: { kind: "GROUP", tenantId: fleet.tenantA.id, group: "nyc" } });
    // Sorted host names first, then addresses (core's deterministic order).
    expect(await sources(fleet.serverA1)).toEqual(["trunk.example.net", "198.51.100.8"]);
    expect(await sources(fleet.serverA2)).toEqual(["198.51.100.8"]);
    expect(await sources(fleet.serverB1)).toEqual([]);
  });

  it("revisions of exactly the affected servers go up by one per change, and are published after commit", async () => {
    const { serverA1, serverA2, serverB1, tenantA } = fleet;
    expect(await revisionMoves(() => test.admin.entries.add.mutate({ source: "192.0.2.1", services: ["sip"], scope: { kind: "FLEET" } }))).toEqual({ [serverA1]: 1, [serverA2]: 1, [serverB1]: 1 });
    expect(await revisionMoves(() => test.admin.entries.add.mutate({ source: "192.0.2.2", services: ["sip"], scope: { kind: "TENANT", tenantId: tenantA.id } }))).toEqual({ [serverA1]: 1, [serverA2]: 1, [serverB1]: 0 });
    expect(await revisionMoves(() => test.admin.entries.add.mutate({ source: "192.0.2.3", services: ["sip"], scope: { kind: "GROUP", tenantId: tenantA.id, group: "nyc" } }))).toEqual({ [serverA1]: 1, [serverA2]: 0, [serverB1]: 0 });
    const serverEntry = await test.admin.entries.add.mutate({ source: "192.0.2.4", services: ["sip"], scope: { kind: "SERVER", serverId: serverA2 } });
    const afterAdd = await revisions(test);
    expect(await revisionMoves(() => test.admin.entries.setExpiry.mutate({ entryId: serverEntry.id, expiresAt: new Date(test.clock.now().getTime() + 3_600_000).toISOString() }))).toEqual({ [serverA1]: 0, [serverA2]: 1, [serverB1]: 0 });
    expect(await revisionMoves(() => test.admin.entries.remove.mutate({ entryId: serverEntry.id }))).toEqual({ [serverA1]: 0, [serverA2]: 1, [serverB1]: 0 });
    expect(afterAdd[serverA2]).toBe((await revisions(test))[serverA2]! - 2);
    // Every bump was published with the revision the database holds now.
    const latest = new Map(published.map((change) => [change.serverId, change.revision]));
    expect(Object.fromEntries(latest)).toEqual(await revisions(test));
  });

  it("presets and server settings bump exactly the servers they change", async () => {
    const { serverA1, serverA2, serverB1, tenantA } = fleet;
    let enablementId = "";
    expect(await revisionMoves(async () => (enablementId = (await test.admin.presets.enable.mutate({ presetId: "voip-ms", tenantId: tenantA.id })).id))).toEqual({ [serverA1]: 1, [serverA2]: 1, [serverB1]: 0 });
    expect(await sources(serverA2)).toContain("city.voip.ms");
    expect(await revisionMoves(() => test.admin.presets.disable.mutate({ presetEnablementId: enablementId }))).toEqual({ [serverA1]: 1, [serverA2]: 1, [serverB1]: 0 });
    expect(await revisionMoves(() => test.admin.presets.enable.mutate({ presetId: "didforsale", serverId: serverB1 }))).toEqual({ [serverA1]: 0, [serverA2]: 0, [serverB1]: 1 });
    expect(await sources(serverB1)).toEqual(["209.216.2.211"]);
    expect(await revisionMoves(() => test.admin.servers.update.mutate({ serverId: serverA2, tags: ["lax", "nyc"], mediaOpenToAll: false }))).toEqual({ [serverA1]: 0, [serverA2]: 1, [serverB1]: 0 });
    await test.admin.servers.update.mutate({ serverId: serverA2, tags: ["lax"], mediaOpenToAll: true });
  });

  it("a tenant's custom service is usable in its own entries only; deleting it changes exactly the servers using it", async () => {
    await test.admin.customServices.create.mutate({ id: "fax", name: "T.38 fax gateway", protocol: "udp", portFrom: 9000, portTo: 9001, tenantId: fleet.tenantA.id });
    const choices = async (tenantId: string) => {
      const { catalogue, custom } = await test.admin.services.catalogue.query({ tenantId });
      return [...catalogue, ...custom].map((service) => service.id);
    };
    expect(await choices(fleet.tenantA.id)).toEqual(expect.arrayContaining(["all", "sip", "rtp", "fax"]));
    expect(await choices(fleet.tenantB.id)).not.toContain("fax");
    expect(await errorOf(test.admin.entries.add.mutate({ source: "192.0.2.5", services: ["fax"], scope: { kind: "TENANT", tenantId: fleet.tenantB.id } }))).toMatchObject({ code: "BAD_REQUEST", field: "services" });
    await test.admin.entries.add.mutate({ source: "192.0.2.5", services: ["fax"], scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    const state = (await test.admin.rulesets.effective.query({ serverId: fleet.serverA1 })).desiredState;
    expect(state.services).toContainEqual({ id: "fax", name: "T.38 fax gateway", ports: [{ protocol: "udp", from: 9000, to: 9001 }] });
    expect(await revisionMoves(() => test.admin.customServices.delete.mutate({ customServiceId: "fax" }))).toEqual({ [fleet.serverA1]: 1, [fleet.serverA2]: 0, [fleet.serverB1]: 0 });
    expect(await sources(fleet.serverA1)).toEqual([]);
  });

  it("the audit log records each change with who, before and after", async () => {
    const entry = await test.admin.entries.add.mutate({ source: "198.51.100.9", services: ["sip"], comment: "office", scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    test.clock.advance(1000);
    await test.admin.entries.remove.mutate({ entryId: entry.id });
    const me = await test.admin.auth.me.query();
    const { events } = await test.admin.audit.list.query({ targetId: entry.id });
    expect(events.map((event) => event.action)).toEqual(["entry.removed", "entry.created"]);
    const [removed, created] = events;
    expect(created).toMatchObject({ actor: `operator:${me?.id}`, tenantId: fleet.tenantA.id, targetType: "allowEntry", before: null, after: { source: "198.51.100.9", services: ["sip"], scope: "SERVER", comment: "office" } });
    expect(removed).toMatchObject({ after: null, before: { source: "198.51.100.9" } });
    const serverUpdates = await test.admin.audit.list.query({ action: "server.", targetId: fleet.serverA1 });
    expect(serverUpdates.events.at(-1)).toMatchObject({ action: "server.created", after: { name: "pbx-a1", primaryAdminSource: "203.0.113.10" } });
    expect(JSON.stringify(serverUpdates.events)).not.toMatch(/Hash|token/i);
  });

  it("lists entries by scope, server coverage, source and origin, page by page", async () => {
    for (let i = 1; i <= 5; i += 1) await test.admin.entries.add.mutate({ source: `192.0.2.${i}`, services: ["sip"], scope: { kind: "TENANT", tenantId: fleet.tenantA.id } });
    await test.admin.entries.add.mutate({ source: "203.0.113.99", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverB1 } });
    expect((await test.admin.entries.list.query({ serverId: fleet.serverB1 })).entries.map((e) => e.source)).toEqual(["203.0.113.99"]);
    expect((await test.admin.entries.list.query({ source: "113.99" })).entries).toHaveLength(1);
    const first = await test.admin.entries.list.query({ scope: "TENANT", limit: 3 });
    const second = await test.admin.entries.list.query({ scope: "TENANT", limit: 3, cursor: first.nextCursor ?? undefined });
    expect([...first.entries, ...second.entries].map((e) => e.source).sort()).toEqual(["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"]);
    expect(second.nextCursor).toBeNull();
    expect((await test.admin.entries.list.query({ origin: "TRAVELER" })).entries).toEqual([]);
  });

  it("refuses the same source twice in one scope, naming the existing entry", async () => {
    const scope = { kind: "GROUP" as const, tenantId: fleet.tenantA.id, group: "nyc" };
    const entry = await test.admin.entries.add.mutate({ source: "198.51.100.0/24", services: ["sip"], scope });
    expect(await errorOf(test.admin.entries.add.mutate({ source: "198.51.100.0/24", services: ["sip"], scope }))).toMatchObject({ code: "CONFLICT", message: expect.stringContaining(entry.id) });
  });

  it("the effective ruleset shows the compiled rules and the human listing with host names by name", async () => {
    await test.admin.entries.add.mutate({ source: "trunk.example.net", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    await test.admin.entries.add.mutate({ source: "198.51.100.7", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    const ruleset = await test.admin.rulesets.effective.query({ serverId: fleet.serverA1 });
    expect(ruleset.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(ruleset.compiled.iptables.ipsetRestore).toContain("add gh4-sip.new 198.51.100.7");
    expect(ruleset.compiled.iptables.ipsetRestore).not.toContain("trunk.example.net");
    expect(ruleset.compiled.nft).toContain("table inet gatehouse");
    expect(ruleset.fqdns).toEqual(["trunk.example.net"]);
    expect(ruleset.listing).toContain("ACCEPT     udp  --  0.0.0.0/0            0.0.0.0/0   match-set gh4-sip src udp dpt:5060");
    expect(ruleset.listing).toContain("trunk.example.net  (host name, resolved on the agent)");
    expect(ruleset.listing).toMatch(/Name: gh4-admin[\s\S]*203\.0\.113\.10/);
  });
});
