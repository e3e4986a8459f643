import { describe, expect, it } from "vitest";
import type { ReportMessage } from "@gatehouse/protocol";
import { ReportOutbox } from "./report-outbox.ts";

const base: ReportMessage = {
  type: "report",
  appliedRevision: 3,
  rulesetHash: "r",
  desiredHash: "d",
  setSizes: {},
  ruleCount: 0,
  unresolved: [],
  resolutions: [],
  errors: [],
  agentVersion: "test",
  backend: "dry-run",
};

function send(outbox: ReportOutbox): ReportMessage {
  const { report, news } = outbox.attach(base);
  outbox.sent(news);
  return report;
}

describe("what the agent keeps to tell the control plane until it is acknowledged", () => {
  it("each rollback rides in its own report and leaves the queue only when that report is acked", () => {
    const outbox = new ReportOutbox();
    outbox.addRollback({ fromRevision: 4, reason: "first" });
    outbox.addRollback({ fromRevision: 4, reason: "second" });
    expect(send(outbox).rolledBack?.reason).toBe("first");
    expect(send(outbox).rolledBack?.reason).toBe("second");
    expect(send(outbox).rolledBack).toBeUndefined();
    expect(outbox.acknowledged()).toBe(true);
    expect(outbox.rollbacksToReport.map((r) => r.reason)).toEqual(["second"]);
  });

  it("drift and cut flows sent into a session that ends unacknowledged go out again, merged with what came since", () => {
    const outbox = new ReportOutbox();
    outbox.addDrift(["chain GATEHOUSE is missing"]);
    outbox.addFlowsCut(2);
    send(outbox);
    expect(outbox.hasUnsent).toBe(false);
    outbox.addFlowsCut(1);
    outbox.sessionEnded();
    const again = send(outbox);
    expect(again.drift).toEqual({ problems: ["chain GATEHOUSE is missing"] });
    expect(again.flowsCut).toBe(3);
  });

  it("an acknowledged report's news is not sent again", () => {
    const outbox = new ReportOutbox();
    outbox.addDrift(["set members differ"]);
    send(outbox);
    outbox.acknowledged();
    outbox.sessionEnded();
    expect(outbox.hasUnsent).toBe(false);
    expect(send(outbox).drift).toBeUndefined();
  });

  it("drop-telemetry intervals lost with their session go out again, and while the link is down only the newest six are kept", () => {
    const outbox = new ReportOutbox();
    const interval = (minute: number) => ({ from: `2026-12-01T12:0${minute}:00.000Z`, to: `2026-12-01T12:0${minute + 1}:00.000Z`, sources: 1, packets: 1, top: [] });
    outbox.addKnocks(interval(0));
    expect(send(outbox).knocks?.map((k) => k.from)).toEqual([interval(0).from]);
    expect(send(outbox).knocks).toBeUndefined();
    for (let minute = 1; minute <= 7; minute++) outbox.addKnocks(interval(minute));
    outbox.sessionEnded();
    const again = send(outbox).knocks?.map((k) => k.from);
    expect(again).toEqual([2, 3, 4, 5, 6, 7].map((minute) => interval(minute).from));
    outbox.acknowledged();
    outbox.acknowledged();
    outbox.sessionEnded();
    expect(outbox.hasUnsent).toBe(false);
  });
});
