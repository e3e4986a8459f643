// Link trouble as an operator meets it: the agent's reports do not reach the control plane
// (FakeHub.dropReports: its larger segments are dropped) or the control plane never acks them
// (autoAck false), and DNS goes silent. What was removed stays removed, nothing the agent has
// to tell is lost, and no allowlist change waits for DNS.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FqdnResolver } from "../src/dns/fqdn-resolver.ts";
import { loadAppliedRecord } from "../src/state/applied-record.ts";
import type { StatePaths } from "../src/state/state-dir.ts";
import { loadAgentStatus } from "../src/state/status-file.ts";
import { TestDnsServer } from "./dns-server.ts";
import { FakeHub } from "./fake-hub.ts";
import { desiredState, fqdn, hubAt, ip, makeAgent, tempStateDir, type AgentUnderTest } from "./agent-fixture.ts";

describe("an agent whose link to the control plane is in trouble", () => {
  let hub: FakeHub;
  let dns: TestDnsServer;
  let paths: StatePaths;
  let cleanup: () => Promise<void>;
  const agents: AgentUnderTest[] = [];

  beforeEach(async () => {
    dns = new TestDnsServer();
    await dns.start();
    hub = new FakeHub(desiredState([ip("192.0.2.10"), ip("198.51.100.20")]));
    await hub.start();
    ({ paths, cleanup } = await tempStateDir());
  });

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.runtime.stop();
    await hub.stop();
    await dns.stop();
    await cleanup();
  });

  const confirmedAgent = async (overrides: Parameters<typeof makeAgent>[3] = {}) => {
    const a = await makeAgent(paths, hubAt(hub), dns, { commitConfirmMs: 100, ...overrides });
    agents.push(a);
    await a.runtime.start();
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is confirmed on disk").toBe(1), 10_000);
    return a;
  };
  const everAllowedAfter = (a: AgentUnderTest, index: number, address: string) =>
    a.backend.applied.slice(index).some((state) => state.allow.some((allow) => allow.address === address));
  const rollbackCount = async () => (await loadAppliedRecord(paths.applied))?.rollbacksToReport.length ?? 0;

  it("an operator's removal is kept though the control plane never acks it, and no later rollback brings the source back", async () => {
    const a = await confirmedAgent();
    hub.autoAck = false;
    hub.publish(desiredState([ip("198.51.100.20")]));
    await hub.reportWhere((r) => r.appliedRevision === 2);
    const removedAt = a.backend.applied.length - 1;
    expect(a.backend.liveAddresses()).toEqual(["198.51.100.20"]);
    const kept = await loadAppliedRecord(paths.applied);
    expect(kept).toMatchObject({ revision: 2, state: { entries: [ip("198.51.100.20")] } });
    expect((await loadAgentStatus(paths.status))?.awaitingConfirmSince).toBeNull();
    // Then a source is added on the same bad link: it is taken back, the removed one stays out.
    hub.publish(desiredState([ip("198.51.100.20"), ip("203.0.113.5")]));
    await vi.waitFor(() => expect(everAllowedAfter(a, removedAt, "203.0.113.5"), "the new source was enforced").toBe(true), 10_000);
    await vi.waitFor(async () => expect(await rollbackCount(), "the unconfirmed addition is rolled back").toBeGreaterThanOrEqual(1), 10_000);
    await vi.waitFor(() => expect(a.backend.liveAddresses().join(), "the rollback is enforced").toBe("198.51.100.20"), 10_000);
    expect(everAllowedAfter(a, removedAt, "192.0.2.10")).toBe(false);
    const onDisk = await loadAppliedRecord(paths.applied);
    expect(onDisk?.state.entries).toEqual([ip("198.51.100.20")]);
  });

  it("while a new state awaits its ack, the disk (what a reboot enforces) holds only what both states allow", async () => {
    await confirmedAgent({ commitConfirmMs: 60_000 });
    hub.autoAck = false;
    hub.publish(desiredState([ip("198.51.100.20"), ip("203.0.113.5")]));
    await hub.reportWhere((r) => r.appliedRevision === 2);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.state.entries.length, "the fallback is on disk").toBe(1), 10_000);
    expect((await loadAppliedRecord(paths.applied))?.state.entries).toEqual([ip("198.51.100.20")]);
    await vi.waitFor(async () => expect((await loadAgentStatus(paths.status))?.awaitingConfirmSince != null, "the status shows the wait for the ack").toBe(true), 10_000);
  });

  it("a revision rolled back three times is held, said so, and applied again at the next confirmed contact", async () => {
    const a = await confirmedAgent();
    hub.autoAck = false;
    hub.publish(desiredState([ip("192.0.2.10"), ip("198.51.100.20"), ip("203.0.113.5")]));
    const held = await hub.reportWhere((r) => r.errors.some((e) => e.includes("holding it until the control plane confirms contact")));
    expect(held.errors[0]).toContain("revision 2 was rolled back 3 times");
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10", "198.51.100.20"]);
    expect((await loadAgentStatus(paths.status))?.heldRevision).toBe(2);
    // The link heals: the next report the agent sends is acked, and revision 2 is applied again.
    hub.autoAck = true;
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 2 is confirmed on disk").toBe(2), 10_000);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10", "198.51.100.20", "203.0.113.5"]);
    await vi.waitFor(async () => expect((await loadAgentStatus(paths.status))?.heldRevision, "the hold is gone from the status").toBe(null), 10_000);
  });

  it("three rollbacks while reports are lost are reported once each when the link heals", async () => {
    await confirmedAgent();
    hub.dropReports = true;
    hub.publish(desiredState([ip("192.0.2.10"), ip("198.51.100.20"), ip("203.0.113.5")]));
    await vi.waitFor(async () => expect((await loadAgentStatus(paths.status))?.heldRevision, "the revision is held after three rollbacks").toBe(2), 10_000);
    expect(await rollbackCount()).toBe(3);
    // The link heals: the stuck connection dies, and the next session's reports get through.
    hub.dropReports = false;
    hub.dropConnections();
    await vi.waitFor(async () => {
      const record = await loadAppliedRecord(paths.applied);
      expect(record?.revision, "revision 2 is confirmed").toBe(2);
      expect(record?.rollbacksToReport, "every rollback acknowledged").toEqual([]);
    }, 10_000);
    const rollbacks = hub.reports.filter((r) => r.rolledBack !== undefined);
    expect(rollbacks).toHaveLength(3);
    expect(rollbacks.map((r) => r.rolledBack?.fromRevision)).toEqual([2, 2, 2]);
  });

  it("a drift report lost with its link is sent again on the next session", async () => {
    const a = await confirmedAgent();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    hub.dropReports = true;
    a.backend.flushByHand();
    await vi.waitFor(() => expect(hub.dropped.some((r) => r.drift !== undefined), "the drift report went out into the failing link").toBe(true), 10_000);
    hub.dropReports = false;
    hub.dropConnections();
    const report = await hub.reportWhere((r) => r.drift !== undefined);
    expect(report.drift?.problems).toEqual(["chain GATEHOUSE is missing"]);
  });

  it("an allowlist change is applied while a DNS lookup hangs", async () => {
    dns.hang("silent.example.test");
    hub.state = desiredState([ip("192.0.2.10"), fqdn("silent.example.test")]);
    const a = await makeAgent(paths, hubAt(hub), dns, { lookup: new FqdnResolver({ servers: [dns.address], timeoutMs: 120_000, tries: 1 }) });
    agents.push(a);
    // The first state waits for its own new name; the control plane then changes the allowlist.
    await a.runtime.start();
    await vi.waitFor(() => expect(dns.unanswered, "the agent asked for the silent name").toBeGreaterThan(0), 10_000);
    hub.publish(desiredState([ip("192.0.2.10"), ip("203.0.113.9"), fqdn("silent.example.test")]));
    const report = await hub.reportWhere((r) => r.appliedRevision === 2);
    expect(a.backend.liveAddresses()).toEqual(["192.0.2.10", "203.0.113.9"]);
    expect(report.unresolved).toEqual([{ fqdn: "silent.example.test", error: "not resolved yet" }]);
  });
});
