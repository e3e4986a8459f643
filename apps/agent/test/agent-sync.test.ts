import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadAppliedRecord } from "../src/state/applied-record.ts";
import { stat } from "node:fs/promises";
import { TestDnsServer } from "./dns-server.ts";
import { FakeHub } from "./fake-hub.ts";
import { desiredState, fqdn, hubAt, ip, makeAgent, tempStateDir, type AgentUnderTest } from "./agent-fixture.ts";

describe("an agent keeping its server's firewall as the control plane says", () => {
  let hub: FakeHub;
  let dns: TestDnsServer;
  let cleanup: () => Promise<void>;
  let agent: AgentUnderTest;

  beforeEach(async () => {
    dns = new TestDnsServer();
    await dns.start();
    hub = new FakeHub(desiredState([ip("192.0.2.10")]));
    await hub.start();
    const dir = await tempStateDir();
    cleanup = dir.cleanup;
    agent = await makeAgent(dir.paths, hubAt(hub), dns);
  });

  afterEach(async () => {
    await agent.runtime.stop();
    await hub.stop();
    await dns.stop();
    await cleanup();
  });

  it("says hello, enforces the desired state it is sent, keeps it on disk and reports it", async () => {
    await agent.runtime.start();
    const report = await hub.reportWhere((r) => r.appliedRevision === 1);
    expect(hub.received[0]).toMatchObject({ type: "hello", protocolVersion: 1, backend: "dry-run" });
    expect(agent.backend.liveAddresses()).toEqual(["192.0.2.10"]);
    expect(agent.backend.live?.policy.primaryAdmin).toEqual(["198.51.100.1"]);
    expect(report).toMatchObject({ desiredHash: hub.hash, unresolved: [], errors: [], backend: "dry-run" });
    expect(report.rulesetHash).toMatch(/^[0-9a-f]{64}$/);
    await vi.waitFor(async () => expect((await loadAppliedRecord(agent.paths.applied))?.revision, "the applied state is on disk").toBe(1), 10_000);
    expect((await stat(agent.paths.applied)).mode & 0o777).toBe(0o600);
  });

  it("answers a change notification with a fetch and applies the new revision", async () => {
    await agent.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    hub.publish(desiredState([ip("192.0.2.10"), ip("203.0.113.5")]));
    await hub.reportWhere((r) => r.appliedRevision === 2);
    expect(hub.received.filter((m) => m.type === "fetch")).toEqual([{ type: "fetch", revision: 2 }]);
    expect(agent.backend.liveAddresses()).toEqual(["192.0.2.10", "203.0.113.5"]);
  });

  it("leaves out an FQDN that does not resolve, reports it, and applies everything else", async () => {
    dns.set("trunk.example.test", { a: ["198.51.100.20"], aaaa: ["2001:db8::20"] });
    hub.state = desiredState([ip("192.0.2.10"), fqdn("trunk.example.test"), fqdn("gone.example.test")]);
    await agent.runtime.start();
    const report = await hub.reportWhere((r) => r.appliedRevision === 1);
    expect(agent.backend.liveAddresses()).toEqual(["192.0.2.10", "198.51.100.20", "2001:db8::20"]);
    expect(report.unresolved).toEqual([{ fqdn: "gone.example.test", error: expect.stringContaining("no A or AAAA record") }]);
    expect(report.resolutions).toEqual([
      { fqdn: "trunk.example.test", addresses: ["198.51.100.20", "2001:db8::20"], ttlSeconds: 60, resolvedAt: expect.any(String) },
    ]);
  });

  it("follows a CNAME to the addresses behind it", async () => {
    dns.set("sip.example.test", { cname: "edge.provider.example.test" });
    dns.set("edge.provider.example.test", { a: ["203.0.113.40"] });
    hub.state = desiredState([fqdn("sip.example.test")]);
    await agent.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    expect(agent.backend.liveAddresses()).toEqual(["203.0.113.40"]);
  });

  it("re-resolves an FQDN when its TTL runs out and applies a changed address (dynamic DNS)", async () => {
    dns.set("home.example.test", { a: ["198.51.100.30"], ttl: 1 });
    hub.state = desiredState([fqdn("home.example.test")]);
    await agent.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    expect(agent.backend.liveAddresses()).toEqual(["198.51.100.30"]);
    dns.set("home.example.test", { a: ["198.51.100.31"], ttl: 1 });
    const report = await hub.reportWhere((r) => r.resolutions[0]?.addresses[0] === "198.51.100.31");
    expect(agent.backend.liveAddresses()).toEqual(["198.51.100.31"]);
    expect(report.appliedRevision).toBe(1);
    await vi.waitFor(async () => expect((await loadAppliedRecord(agent.paths.applied))?.answers[0]?.addresses[0], "the new answer is on disk").toBe("198.51.100.31"), 10_000);
  });

  it("a primary admin given as an FQDN is resolved and always allowed", async () => {
    dns.set("admin.example.test", { a: ["192.0.2.99"] });
    hub.state = desiredState([], "admin.example.test");
    await agent.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    expect(agent.backend.live?.policy.primaryAdmin).toEqual(["192.0.2.99"]);
  });

  it("repairs drift (someone flushed the firewall by hand) and reports what was wrong", async () => {
    await agent.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    agent.backend.flushByHand();
    const report = await hub.reportWhere((r) => r.drift !== undefined);
    expect(report.drift?.problems).toEqual(["chain GATEHOUSE is missing"]);
    expect(agent.backend.liveAddresses()).toEqual(["192.0.2.10"]);
  });

  it("a failed apply leaves the previous ruleset enforced, is reported, and is retried", async () => {
    await agent.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
    agent.backend.failNextApply = "iptables-restore: line 7 failed";
    hub.publish(desiredState([ip("203.0.113.9")]));
    const failed = await hub.reportWhere((r) => r.errors.some((e) => e.includes("line 7 failed")));
    expect(failed.appliedRevision).toBe(1);
    await hub.reportWhere((r) => r.appliedRevision === 2 && r.errors.length === 0);
    expect(agent.backend.liveAddresses()).toEqual(["203.0.113.9"]);
    expect(agent.backend.uninstallCalls).toBe(0);
  });

  it("refuses a desired state meant for another server", async () => {
    hub.state = { ...desiredState([ip("192.0.2.66")]), serverId: "someone-else" };
    await agent.runtime.start();
    const report = await hub.reportWhere((r) => r.errors.length > 0);
    expect(report.errors[0]).toContain("someone-else");
    expect(agent.backend.live).toBeNull();
  });
});
