// Entries with an expiry close by themselves: they leave the effective state the moment they
// expire, and the sweeper removes them, audits it and bumps the covered servers' revisions so
// connected agents drop them without anyone acting.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import type { RevisionChange } from "../src/bus.ts";
import type { SweptEntry } from "../src/services/expiry-sweeper.ts";
import type { ControlPlaneExtension } from "../src/extension.ts";
import { travelersExtension } from "../src/travelers/extension.ts";
import { planeTest, revisions, seedFleet, startUnderTest, TestClock, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

const HOUR = 3_600_000;

describe.each(testDatabaseKinds())("expiry on %s", (kind) => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  const heard: RevisionChange[] = [];

  beforeAll(async () => {
    test = await startUnderTest(kind);
    fleet = await seedFleet(test.admin);
    test.plane.bus.subscribe((change) => heard.push(change));
  });
  afterAll(async () => {
    await test.stop();
  });
  beforeEach(async () => {
    await test.db.prisma.allowEntry.deleteMany();
    heard.length = 0;
  });

  const inOneHour = () => new Date(test.clock.now().getTime() + HOUR).toISOString();
  const sources = async (serverId: string) => (await test.admin.rulesets.effective.query({ serverId })).desiredState.entries.map((entry) => entry.source);

  it("an expired entry vanishes from the effective state at once, and the sweep closes it for the agents", async () => {
    await test.admin.entries.add.mutate({ source: "192.0.2.20", services: ["sip"], expiresAt: inOneHour(), scope: { kind: "SERVER", serverId: fleet.serverA1 } });
    await test.admin.entries.add.mutate({ source: "192.0.2.21", services: ["sip"], expiresAt: inOneHour(), scope: { kind: "GROUP", tenantId: fleet.tenantA.id, group: "lax" } });
    await test.admin.entries.add.mutate({ source: "192.0.2.22", services: ["sip"], scope: { kind: "TENANT", tenantId: fleet.tenantA.id } });
    expect(await sources(fleet.serverA1)).toEqual(["192.0.2.20", "192.0.2.22"]);

    test.clock.advance(HOUR + 1);
    expect(await sources(fleet.serverA1)).toEqual(["192.0.2.22"]);
    expect(await sources(fleet.serverA2)).toEqual(["192.0.2.22"]);
    expect((await test.admin.entries.list.query({})).entries.map((e) => e.source)).toEqual(["192.0.2.22"]);
    expect((await test.admin.entries.list.query({ includeExpired: true })).entries.filter((e) => e.expired)).toHaveLength(2);

    const before = await revisions(test);
    heard.length = 0;
    expect(await test.plane.sweeper.sweepNow()).toBe(2);
    const after = await revisions(test);
    expect({ a1: after[fleet.serverA1]! - before[fleet.serverA1]!, a2: after[fleet.serverA2]! - before[fleet.serverA2]!, b1: after[fleet.serverB1]! - before[fleet.serverB1]! }).toEqual({ a1: 1, a2: 1, b1: 0 });
    expect(heard.map((change) => change.serverId).sort()).toEqual([fleet.serverA1, fleet.serverA2].sort());
    expect(await test.db.prisma.allowEntry.count()).toBe(1);

    const { events } = await test.admin.audit.list.query({ action: "entry.expired" });
    expect(events.map((event) => (event.before as { source: string }).source).sort()).toEqual(["192.0.2.20", "192.0.2.21"]);
    expect(events.every((event) => event.actor === "system" && event.tenantId === fleet.tenantA.id)).toBe(true);
    expect(await test.plane.sweeper.sweepNow()).toBe(0);
  });

  it("hands the swept entries to hooks inside the transaction and after the commit (traveler grants)", async () => {
    const during: SweptEntry[][] = [];
    const after: SweptEntry[][] = [];
    const remove = test.plane.sweeper.addHooks({
      duringSweep: async (tx, entries) => {
        during.push([...entries]);
        expect(await tx.allowEntry.count({ where: { id: { in: entries.map((e) => e.id) } } })).toBe(0);
      },
      afterSweep: (entries) => {
        after.push([...entries]);
      },
    });
    try {
      const entry = await test.admin.entries.add.mutate({ source: "trunk.example.net", services: ["sip", "rtp"], expiresAt: inOneHour(), comment: "temp", scope: { kind: "FLEET" } });
      test.clock.advance(HOUR + 1);
      await test.plane.sweeper.sweepNow();
      expect(during).toEqual([[expect.objectContaining({ id: entry.id, source: "trunk.example.net", scope: "FLEET", origin: "OPERATOR", services: ["rtp", "sip"], comment: "temp" })]]);
      expect(after).toEqual(during);
    } finally {
      remove();
    }
  });

  it("a hook that fails undoes its batch: the entry stays, nothing is published, the next sweep retries", async () => {
    let fail = true;
    const remove = test.plane.sweeper.addHooks({
      duringSweep: async () => {
        if (fail) throw new Error("grant bookkeeping failed");
      },
    });
    try {
      await test.admin.entries.add.mutate({ source: "192.0.2.30", services: ["sip"], expiresAt: inOneHour(), scope: { kind: "SERVER", serverId: fleet.serverB1 } });
      test.clock.advance(HOUR + 1);
      heard.length = 0;
      const auditBefore = await test.db.prisma.auditEvent.count();
      await expect(test.plane.sweeper.sweepNow()).rejects.toThrow("grant bookkeeping failed");
      expect(await test.db.prisma.allowEntry.count()).toBe(1);
      expect(await test.db.prisma.auditEvent.count()).toBe(auditBefore);
      expect(heard).toEqual([]);
      fail = false;
      expect(await test.plane.sweeper.sweepNow()).toBe(1);
    } finally {
      remove();
    }
  });
});

describe("the sweeper running on its own", () => {
  planeTest.override("planeOptions", { startSweeper: true, clock: TestClock.wall() });

  planeTest("wakes at the next expiry and closes the entry without anyone acting", async ({ plane: { db, plane } }) => {
    const tenant = await db.prisma.tenant.create({ data: { name: "Acme" } });
    const server = await db.prisma.server.create({ data: { tenantId: tenant.id, name: "pbx" } });
    const heard: RevisionChange[] = [];
    plane.bus.subscribe((change) => heard.push(change));
    // Written directly, then one published change makes the sweeper plan again.
    await db.prisma.allowEntry.create({ data: { source: "192.0.2.40", sourceKind: "ip", services: ["all"], scope: "SERVER", tenantId: tenant.id, serverId: server.id, expiresAt: new Date(Date.now() + 300) } });
    plane.bus.publish([{ serverId: server.id, revision: 1 }]);
    await vi.waitFor(async () => expect(await db.prisma.allowEntry.count()).toBe(0), 20_000);
    expect(await db.prisma.auditEvent.count({ where: { action: "entry.expired" } })).toBe(1);
    expect(heard).toContainEqual({ serverId: server.id, revision: 2 });
  });
});

describe("failed sign-ins and PIN attempts", () => {
  const MINUTE = 60_000;

  /** Failures 120, 30 and 1 minutes old, one sweep: the ages (in minutes) still stored. */
  async function agesKeptBySweep(extensions: ControlPlaneExtension[]): Promise<number[]> {
    const test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", { extensions });
    try {
      const now = test.clock.now().getTime();
      const subject = "caller:+15550001234";
      await test.db.prisma.authFailure.createMany({ data: [120, 30, 1].map((minutes) => ({ subject, createdAt: new Date(now - minutes * MINUTE) })) });
      await test.plane.sweeper.sweepNow();
      const kept = await test.db.prisma.authFailure.findMany({ where: { subject }, orderBy: { createdAt: "asc" } });
      return kept.map((row) => (now - row.createdAt.getTime()) / MINUTE);
    } finally {
      await test.stop();
    }
  }

  it("are deleted by the sweep once older than the travelers' hour-long caller lockout, and kept while it counts them", async () => {
    expect(await agesKeptBySweep([travelersExtension()])).toEqual([30, 1]);
  });

  it("without travelers, are kept as long as the sign-in lockout's longest window (an e-mail's hour from every address)", async () => {
    expect(await agesKeptBySweep([])).toEqual([30, 1]);
  });

  planeTest("a known sign-in source is forgotten by the sweep once it expires", async ({ plane: test }) => {
    const now = test.clock.now().getTime();
    await test.db.prisma.knownSignInSource.createMany({
      data: [
        { account: "operator:x", source: "address:198.51.100.1", lastSeenAt: new Date(now - 31 * 24 * HOUR), expiresAt: new Date(now - HOUR) },
        { account: "operator:x", source: "address:198.51.100.2", lastSeenAt: new Date(now), expiresAt: new Date(now + HOUR) },
      ],
    });
    await test.plane.sweeper.sweepNow();
    const kept = await test.db.prisma.knownSignInSource.findMany({ where: { account: "operator:x" } });
    expect(kept.map((row) => row.source)).toEqual(["address:198.51.100.2"]);
  });
});
