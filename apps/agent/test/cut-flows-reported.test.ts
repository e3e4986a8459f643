// The sync loop's side of cut flows: only an apply that takes access away counts them, the report
// says how many flows went, and a host without conntrack keeps the new ruleset, says so once in
// its log and in every report of such an apply.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import type { RevokedFlow } from "@gatehouse/core";
import { CommandRunner } from "../src/firewall/command-runner.ts";
import { ConntrackCutFlowCounter, type FlowCutResult, type CutFlowCounter } from "../src/firewall/cut-flow-counter.ts";
import { TestDnsServer } from "./dns-server.ts";
import { FakeHub } from "./fake-hub.ts";
import { desiredState, hubAt, ip, makeAgent, tempStateDir, type AgentUnderTest } from "./agent-fixture.ts";

class RecordingCounter implements CutFlowCounter {
  readonly calls: RevokedFlow[][] = [];
  async count(revoked: readonly RevokedFlow[]): Promise<FlowCutResult> {
    this.calls.push([...revoked]);
    return { cut: 3, warning: null };
  }
}

describe("an agent reporting the open flows of revoked sources it cut", () => {
  let hub: FakeHub;
  let dns: TestDnsServer;
  let cleanup: () => Promise<void>;
  let agent: AgentUnderTest | null = null;
  const logLines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void logLines.push(line) });

  const start = async (cutFlowCounter: CutFlowCounter) => {
    const dir = await tempStateDir();
    cleanup = dir.cleanup;
    agent = await makeAgent(dir.paths, hubAt(hub), dns, { cutFlowCounter, logger });
    await agent.runtime.start();
    await hub.reportWhere((r) => r.appliedRevision === 1);
  };

  beforeEach(async () => {
    logLines.length = 0;
    dns = new TestDnsServer();
    await dns.start();
    hub = new FakeHub(desiredState([ip("192.0.2.10"), ip("203.0.113.5")]));
    await hub.start();
  });

  afterEach(async () => {
    await agent?.runtime.stop();
    await hub.stop();
    await dns.stop();
    await cleanup();
  });

  it("counts after an apply that removes a source, reports the count once, and never after one that only adds", async () => {
    const cutter = new RecordingCounter();
    await start(cutter);
    hub.publish(desiredState([ip("192.0.2.10"), ip("203.0.113.5"), ip("198.51.100.77")]));
    await hub.reportWhere((r) => r.appliedRevision === 2);
    expect(cutter.calls).toEqual([]);

    hub.publish(desiredState([ip("192.0.2.10"), ip("198.51.100.77")]));
    const report = await hub.reportWhere((r) => r.appliedRevision === 3);
    expect(cutter.calls).toEqual([[{ family: 4, protocol: "udp", source: "203.0.113.5", ports: [{ from: 5060, to: 5060 }], kept: [] }]]);
    expect(report.flowsCut).toBe(3);
    expect(report.errors).toEqual([]);
    expect(logLines.some((line) => line.includes("the new ruleset cut the open connections of sources that lost access") && line.includes('"flowsCut":3'))).toBe(true);

    hub.publish(desiredState([ip("192.0.2.10"), ip("198.51.100.77"), ip("203.0.113.6")]));
    expect((await hub.reportWhere((r) => r.appliedRevision === 4)).flowsCut).toBeUndefined();
  });

  it("without conntrack the new ruleset stays applied; the warning is logged once and reported", async () => {
    await start(new ConntrackCutFlowCounter(new CommandRunner({ env: { PATH: "/nonexistent" } })));
    hub.publish(desiredState([ip("192.0.2.10")]));
    const report = await hub.reportWhere((r) => r.appliedRevision === 2);
    expect(agent!.backend.liveAddresses()).toEqual(["192.0.2.10"]);
    expect(report.errors).toEqual([expect.stringMatching(/cannot count the open connections the apply cut .*conntrack-tools/)]);
    expect(report.flowsCut).toBe(0);

    hub.publish(desiredState([]));
    const next = await hub.reportWhere((r) => r.appliedRevision === 3);
    expect(agent!.backend.liveAddresses()).toEqual([]);
    expect(next.errors).toHaveLength(1);
    const warnings = logLines.filter((line) => line.includes('"level":40') && line.includes("cannot count"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("the ruleset is applied");
  });
});
