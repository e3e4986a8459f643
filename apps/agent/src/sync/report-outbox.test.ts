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
});
