// runMutation's promise: the change, its audit event and the revision bumps commit together or
// not at all, and the RevisionBus hears about a revision only once it is committed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import type { RevisionChange } from "../src/bus.ts";
import { runMutation, type MutationContext } from "../src/services/mutation.ts";
import { revisions, seedFleet, startUnderTest, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

describe.each(testDatabaseKinds())("runMutation and the RevisionBus on %s", (kind) => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let ctx: MutationContext;
  const heard: RevisionChange[] = [];

  beforeAll(async () => {
    test = await startUnderTest(kind);
    fleet = await seedFleet(test.admin);
    ctx = { prisma: test.db.prisma, bus: test.plane.bus, actor: "system", now: test.clock.now };
    test.plane.bus.subscribe((change) => heard.push(change));
  });
  afterAll(async () => {
    await test.stop();
  });
  beforeEach(() => {
    heard.length = 0;
  });

  const draft = (source: string) => ({ source, sourceKind: "ip", services: ["sip"], scope: "TENANT" as const, tenantId: fleet.tenantA.id });

  it("publishes the new revisions only after the commit, and exactly the committed ones", async () => {
    const before = await revisions(test);
    let heardDuringTransaction = -1;
    await runMutation(ctx, "entry.created", async (tx) => {
      const entry = await tx.allowEntry.create({ data: draft("192.0.2.10") });
      heardDuringTransaction = heard.length;
      return { result: entry, audit: { tenantId: entry.tenantId, targetType: "allowEntry", targetId: entry.id, after: { source: entry.source } }, affected: [{ kind: "TENANT", tenantId: fleet.tenantA.id }] };
    });
    expect(heardDuringTransaction).toBe(0);
    const after = await revisions(test);
    expect(heard).toEqual(
      [fleet.serverA1, fleet.serverA2].sort().map((serverId) => ({ serverId, revision: after[serverId] })),
    );
    expect(after[fleet.serverA1]).toBe((before[fleet.serverA1] ?? 0) + 1);
  });

  it("a mutation that fails writes nothing (no change, no audit, no revision) and publishes nothing", async () => {
    const before = { revisions: await revisions(test), entries: await test.db.prisma.allowEntry.count(), audit: await test.db.prisma.auditEvent.count() };
    await expect(
      runMutation(ctx, "entry.created", async (tx) => {
        await tx.allowEntry.create({ data: draft("192.0.2.11") });
        await tx.auditEvent.create({ data: { actor: "system", action: "half-done" } });
        throw new Error("the process died here");
      }),
    ).rejects.toThrow("the process died here");
    expect(heard).toEqual([]);
    expect({ revisions: await revisions(test), entries: await test.db.prisma.allowEntry.count(), audit: await test.db.prisma.auditEvent.count() }).toEqual(before);
  });

  it("bumps each covered server once, however many scopes cover it", async () => {
    const before = await revisions(test);
    const { tenantA, serverA1 } = fleet;
    await runMutation(ctx, "test.overlap", async () => ({
      result: null,
      audit: [],
      affected: [{ kind: "TENANT", tenantId: tenantA.id }, { kind: "SERVER", serverId: serverA1 }, { kind: "GROUP", tenantId: tenantA.id, group: "nyc" }],
    }));
    const after = await revisions(test);
    expect(after[fleet.serverA1]).toBe((before[fleet.serverA1] ?? 0) + 1);
    expect(after[fleet.serverA2]).toBe((before[fleet.serverA2] ?? 0) + 1);
    expect(after[fleet.serverB1]).toBe(before[fleet.serverB1]);
    expect(heard).toHaveLength(2);
  });

  it("a listener that throws neither fails the committed change nor silences the other listeners", async () => {
    const unsubscribe = test.plane.bus.subscribe(() => {
      throw new Error("a broken listener");
    });
    const after: RevisionChange[] = [];
    const unsubscribeAfter = test.plane.bus.subscribe((change) => after.push(change));
    try {
      await test.admin.entries.add.mutate({ source: "192.0.2.12", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverB1 } });
      expect(after.map((change) => change.serverId)).toEqual([fleet.serverB1]);
      expect(heard.map((change) => change.serverId)).toEqual([fleet.serverB1]);
    } finally {
      unsubscribe();
      unsubscribeAfter();
    }
  });

  it("deleting a server tells listeners one last revision so the hub can drop its agent", async () => {
    const { server } = await test.admin.servers.create.mutate({ tenantId: fleet.tenantB.id, name: "pbx-gone" });
    await test.admin.servers.delete.mutate({ serverId: server.id });
    expect(heard).toEqual([{ serverId: server.id, revision: 2 }]);
    expect(await test.db.prisma.server.count({ where: { id: server.id } })).toBe(0);
  });
});
