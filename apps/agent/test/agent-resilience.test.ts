import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { saveAppliedRecord, loadAppliedRecord } from "../src/state/applied-record.ts";
import { loadAgentStatus } from "../src/state/status-file.ts";
import { Backoff } from "../src/sync/backoff.ts";
import type { StatePaths } from "../src/state/state-dir.ts";
import { TestDnsServer } from "./dns-server.ts";
import { FakeHub } from "./fake-hub.ts";
import { desiredState, fqdn, hubAt, ip, makeAgent, tempStateDir, type AgentUnderTest } from "./agent-fixture.ts";

describe("an agent when the network, DNS or the control plane misbehave", () => {
  let hub: FakeHub;
  let dns: TestDnsServer;
  let paths: StatePaths;
  let cleanup: () => Promise<void>;
  const agents: AgentUnderTest[] = [];

  beforeEach(async () => {
    dns = new TestDnsServer();
    await dns.start();
    hub = new FakeHub(desiredState([ip("192.0.2.10")]));
    const dir = await tempStateDir();
    paths = dir.paths;
    cleanup = dir.cleanup;
  });

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.runtime.stop();
    await hub.stop();
    await dns.stop();
    await cleanup();
  });

  const agent = async (overrides: Parameters<typeof makeAgent>[3] = {}, dnsAt: { address: string } = dns) => {
    const a = await makeAgent(paths, hubAt(hub), dnsAt, overrides);
    agents.push(a);
    return a;
  };

  it("at boot enforces the state kept on disk, with the DNS answers kept on disk, before any network", async () => {
    const onDisk = desiredState([ip("192.0.2.10"), fqdn("trunk.example.test")]);
    await saveAppliedRecord(paths.applied, {
      revision: 4,
      desiredHash: "h4",
      state: onDisk,
      answers: [{ fqdn: "trunk.example.test", addresses: ["198.51.100.20"], ttlSeconds: 300, resolvedAt: "2024-01-01T00:00:00.000Z" }],
      rulesetHash: "r4",
      savedAt: "2024-01-01T00:00:00.000Z",
      backend: null,
      rollbacksToReport: [],
    });
    // No control plane listening and no DNS server answering.
    await hub.start();
    const port = hub.port;
    await hub.stop();
    const silentDns = { address: "127.0.0.1:9" };
    const a = await agent({}, silentDns);
    await a.runtime.start();
    expect(a.backend.applied).toHaveLength(1);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10", "198.51.100.20"]);
    // When the control plane comes back, the DNS failure is reported and the last answer kept.
    await hub.start(port);
    hub.state = onDisk;
    hub.revision = 4;
    const report = await hub.reportWhere((r) => r.errors.some((e) => e.includes("trunk.example.test")));
    expect(report.errors.find((e) => e.includes("trunk.example.test"))).toContain("keeping the last known addresses");
    expect(report.unresolved).toEqual([]);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10", "198.51.100.20"]);
  });

  it("keeps enforcing through a control-plane outage and catches up when it returns", async () => {
    await hub.start();
    const a = await agent();
    await a.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    const port = hub.port;
    await hub.stop();
    await vi.waitFor(async () => expect((await loadAgentStatus(paths.status))?.connected, "the agent notices the outage").toBe(false), 10_000);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10"]);
    hub.state = desiredState([ip("203.0.113.50")]);
    hub.revision = 7;
    await hub.start(port);
    await hub.reportWhere((r) => r.appliedRevision === 7);
    expect(a.backend.liveAddresses()).toEqual(["203.0.113.50"]);
    expect(a.backend.uninstallCalls).toBe(0);
  });

  it("never flushes on exit: stopping leaves every rule in place", async () => {
    await hub.start();
    const a = await agent();
    await a.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await a.runtime.stop();
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10"]);
    expect(a.backend.uninstallCalls).toBe(0);
    expect((await loadAgentStatus(paths.status))?.stoppedReason).toBe("stopped");
  });

  it("stops and says so when the control plane refuses its credential at connect, rules untouched", async () => {
    await hub.start();
    hub.refuseWith = 401;
    const a = await agent();
    await a.runtime.start();
    const reason = await a.runtime.stopped;
    expect(reason).toEqual({ kind: "revoked", message: expect.stringContaining("re-enroll") });
    expect(a.backend.uninstallCalls).toBe(0);
    expect((await loadAgentStatus(paths.status))?.stoppedReason).toContain("refused");
  });

  it("stops when the control plane revokes it while connected, rules untouched", async () => {
    await hub.start();
    const a = await agent();
    await a.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    hub.broadcast({ type: "revoked", reason: "server deleted by operator" });
    expect(await a.runtime.stopped).toEqual({ kind: "revoked", message: expect.stringContaining("server deleted by operator") });
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10"]);
    expect(a.backend.uninstallCalls).toBe(0);
  });

  it("treats a 503 from a proxy as transient and keeps retrying until the control plane answers", async () => {
    await hub.start();
    hub.refuseWith = 503;
    const a = await agent();
    await a.runtime.start();
    await vi.waitFor(() => expect(hub.refusals, "three attempts were refused").toBeGreaterThanOrEqual(3), 10_000);
    expect(a.backend.uninstallCalls).toBe(0);
    hub.refuseWith = null;
    await hub.reportWhere((r) => r.appliedRevision === 1);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10"]);
  });

  it("takes back what a new ruleset added when the control plane cannot confirm it, and reports the rollback on return", async () => {
    await hub.start();
    const a = await agent({ commitConfirmMs: 300 });
    await a.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is confirmed on disk").toBe(1), 10_000);
    // Revision 2 adds a source, then the link dies before the ack can come back.
    hub.autoAck = false;
    hub.publish(desiredState([ip("192.0.2.10"), ip("203.0.113.77")]));
    await hub.reportWhere((r) => r.appliedRevision === 2);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10", "203.0.113.77"]);
    const port = hub.port;
    await hub.stop();
    await vi.waitFor(() => expect(a.backend.liveAddresses().join(), "the added source is taken back").toBe("192.0.2.10"), 10_000);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.rollbacksToReport.length, "the rollback is kept on disk to report").toBe(1), 10_000);
    const onDisk = await loadAppliedRecord(paths.applied);
    expect(onDisk?.revision).toBe(1);
    expect(onDisk?.backend).toBe("dry-run");
    expect(onDisk?.rollbacksToReport).toEqual([expect.objectContaining({ fromRevision: 2 })]);
    // Back online: the rollback is reported, then revision 2 is applied again and confirmed.
    hub.autoAck = true;
    await hub.start(port);
    const report = await hub.reportWhere((r) => r.rolledBack !== undefined);
    expect(report.rolledBack).toEqual({ fromRevision: 2, reason: expect.stringContaining("no ack from the control plane within") });
    await vi.waitFor(async () => {
      const record = await loadAppliedRecord(paths.applied);
      expect(record?.revision, "revision 2 is confirmed on disk").toBe(2);
      expect(record?.rollbacksToReport).toEqual([]);
    }, 10_000);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10", "203.0.113.77"]);
    expect(a.backend.uninstallCalls).toBe(0);
  });

  it("a reconnect whose hello shows the new revision applied confirms it (the hub's ack)", async () => {
    await hub.start();
    const a = await agent({ commitConfirmMs: 5000 });
    await a.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    hub.autoAck = false;
    hub.publish(desiredState([ip("203.0.113.80")]));
    await hub.reportWhere((r) => r.appliedRevision === 2);
    hub.dropConnections();
    await hub.until(() => hub.received.some((m) => m.type === "hello" && m.appliedRevision === 2));
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 2 is confirmed on disk").toBe(2), 10_000);
    expect(a.backend.liveAddresses()).toEqual(["203.0.113.80"]);
  });

  it("holds back a revision that was rolled back three times until the desired state changes", async () => {
    await hub.start();
    const a = await agent({ commitConfirmMs: 100 });
    await a.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is confirmed on disk").toBe(1), 10_000);
    hub.autoAck = false;
    hub.publish(desiredState([ip("192.0.2.10"), ip("203.0.113.78")]));
    const held = await hub.reportWhere((r) => r.errors.some((e) => e.includes("rolled back 3 times")));
    expect(held.appliedRevision).toBe(1);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10"]);
    hub.autoAck = true;
    hub.publish(desiredState([ip("203.0.113.79")]));
    await hub.reportWhere((r) => r.appliedRevision === 3 && r.errors.length === 0);
    expect(a.backend.liveAddresses()).toEqual(["203.0.113.79"]);
  });
});

describe("reconnect backoff", () => {
  it("waits up to a quarter of the outage so far, between the base and the cap, and starts over after a success", () => {
    let now = 0;
    const worst = new Backoff({ baseMs: 1000, capMs: 60_000, random: () => 0.999999, now: () => now });
    const waits: number[] = [];
    while (now < 600_000) {
      const delay = worst.next();
      waits.push(delay);
      now += delay;
    }
    expect(waits.slice(0, 3)).toEqual([999, 999, 999]);
    // Past 4 s of outage each wait is ~1/4 of it, so the attempts thin out geometrically ...
    expect(waits[10]).toBeGreaterThan(1000);
    expect(waits[10]).toBeLessThanOrEqual(Math.ceil(waits.slice(0, 10).reduce((a, b) => a + b) / 4));
    // ... up to the cap: a 10-minute outage costs an agent a few dozen attempts, not hundreds.
    expect(Math.max(...waits)).toBe(59_999);
    expect(waits.length).toBeLessThan(60);
    worst.reset();
    expect(worst.next()).toBe(999);
    const jittered = new Backoff({ baseMs: 1000, capMs: 60_000, random: () => 0, now: () => now });
    expect([jittered.next(), jittered.next()]).toEqual([0, 0]);
  });
});
