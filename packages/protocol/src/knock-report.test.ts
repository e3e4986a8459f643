import { describe, expect, it } from "vitest";
import { MAX_AGENT_MESSAGE_BYTES, parseAgentMessage, type KnockIntervalMessage, type ReportMessage } from "./index.ts";

const report: ReportMessage = {
  type: "report",
  appliedRevision: 7,
  rulesetHash: "a".repeat(64),
  desiredHash: "b".repeat(64),
  setSizes: {},
  ruleCount: 12,
  unresolved: [],
  resolutions: [],
  errors: [],
  agentVersion: "0.1.0",
  backend: "nftables",
};

const source = (index: number, ports = 1) => ({
  source: index < 256 ? `198.51.100.${index}` : `2001:db8::${index.toString(16)}`,
  packets: 3 * ports,
  firstSeenAt: "2026-12-01T12:00:00.000Z",
  lastSeenAt: "2026-12-01T12:04:59.000Z",
  ports: Array.from({ length: ports }, (_, port) => ({ protocol: "udp" as const, port: 5060 + port, packets: 3 })),
  portsTried: ports,
});

const interval = (top: KnockIntervalMessage["top"]): KnockIntervalMessage => ({ from: "2026-12-01T12:00:00.000Z", to: "2026-12-01T12:05:00.000Z", sources: top.length, packets: 3, top });

const parse = (message: unknown) => parseAgentMessage(JSON.stringify(message));

describe("drop telemetry in a report", () => {
  it("survives the wire unchanged", () => {
    const message = { ...report, knocks: [interval([source(7, 3)])] };
    expect(parse(message)).toEqual({ ok: true, message });
  });

  it("fits in one agent message at its bounds: 6 intervals of 50 sources with 16 ports each", () => {
    const full = { ...report, knocks: Array.from({ length: 6 }, () => interval(Array.from({ length: 50 }, (_, index) => source(index + 200, 16)))) };
    expect(JSON.stringify(full).length).toBeLessThan(MAX_AGENT_MESSAGE_BYTES);
    expect(parse(full).ok).toBe(true);
  });

  it("refuses more than the bounds, a source that is not an address, and a stray field", () => {
    const tooMany = Array.from({ length: 51 }, (_, index) => source(index));
    expect(parse({ ...report, knocks: [interval(tooMany)] }).ok).toBe(false);
    expect(parse({ ...report, knocks: [interval([source(1, 17)])] }).ok).toBe(false);
    expect(parse({ ...report, knocks: Array.from({ length: 7 }, () => interval([])) }).ok).toBe(false);
    expect(parse({ ...report, knocks: [interval([{ ...source(1), source: "evil; rm -rf /" }])] }).ok).toBe(false);
    expect(parse({ ...report, knocks: [{ ...interval([]), tenantId: "other" }] }).ok).toBe(false);
  });
});
