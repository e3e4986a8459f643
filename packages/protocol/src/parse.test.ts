import { describe, expect, it } from "vitest";
import {
  encodeMessage,
  MAX_AGENT_MESSAGE_BYTES,
  MAX_HUB_MESSAGE_BYTES,
  parseAgentMessage,
  parseHubMessage,
  PROTOCOL_VERSION,
  type ReportMessage,
  type StateMessage,
} from "./index.ts";

const report: ReportMessage = {
  type: "report",
  appliedRevision: 7,
  rulesetHash: "a".repeat(64),
  desiredHash: "b".repeat(64),
  setSizes: { "gh4-sip": 3 },
  ruleCount: 12,
  unresolved: [{ fqdn: "gone.example.net", error: "ENOTFOUND" }],
  resolutions: [{ fqdn: "pbx.example.net", addresses: ["192.0.2.10"], ttlSeconds: 60, resolvedAt: "2024-01-01T00:00:00.000Z" }],
  errors: [],
  agentVersion: "0.1.0",
  backend: "dry-run",
};

const state: StateMessage = {
  type: "state",
  revision: 3,
  hash: "c".repeat(64),
  state: {
    serverId: "srv-1",
    policy: { mediaOpenToAll: true, lanRanges: ["10.0.0.0/8"], primaryAdmin: "198.51.100.1" },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "udp", from: 5060, to: 5060 }] }],
    entries: [{ source: "192.0.2.7", kind: "ip", services: ["sip"] }],
  },
};

describe("the agent <-> hub protocol", () => {
  it("an agent's hello, fetch and report survive the wire unchanged", () => {
    const hello = { type: "hello" as const, protocolVersion: PROTOCOL_VERSION, agentVersion: "0.1.0", backend: "iptables" as const };
    for (const message of [hello, { type: "fetch" as const, revision: 4 }, report]) {
      expect(parseAgentMessage(encodeMessage(message))).toEqual({ ok: true, message });
    }
  });

  it("a full state snapshot and the small hub messages parse back to what was sent", () => {
    for (const message of [state, { type: "changed" as const, revision: 4 }, { type: "ack" as const, revision: 4 }, { type: "revoked" as const, reason: "server removed" }]) {
      expect(parseHubMessage(Buffer.from(encodeMessage(message)))).toEqual({ ok: true, message });
    }
  });

  it("text that is not JSON is refused as not_json", () => {
    const result = parseAgentMessage("{hello");
    expect(result).toMatchObject({ ok: false, error: { code: "not_json" } });
  });

  it("JSON of the wrong shape is refused as invalid, naming the field", () => {
    const result = parseAgentMessage(JSON.stringify({ ...report, appliedRevision: "seven" }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("invalid");
      expect(result.error.message).toContain("appliedRevision");
    }
    expect(parseAgentMessage(JSON.stringify({ type: "launch-missiles" }))).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(parseHubMessage(JSON.stringify({ ...state, state: { ...state.state, entries: [{ source: "x", kind: "url", services: [] }] } }))).toMatchObject({
      ok: false,
      error: { code: "invalid" },
    });
  });

  it("an agent message over the limit is refused before it is parsed", () => {
    const huge = JSON.stringify({ ...report, errors: ["x".repeat(MAX_AGENT_MESSAGE_BYTES)] });
    expect(parseAgentMessage(huge)).toMatchObject({ ok: false, error: { code: "too_large" } });
  });

  it("only a state snapshot may be large; a bloated small message is refused", () => {
    const bloatedChanged = JSON.stringify({ type: "changed", revision: 1, padding: " ".repeat(10_000) });
    expect(parseHubMessage(bloatedChanged)).toMatchObject({ ok: false, error: { code: "too_large" } });
    const overLimit = Buffer.alloc(MAX_HUB_MESSAGE_BYTES + 1, 0x20);
    expect(parseHubMessage(overLimit)).toMatchObject({ ok: false, error: { code: "too_large" } });
  });

  it("a fragmented frame (Buffer[]) is decoded as one message", () => {
    const text = encodeMessage({ type: "fetch", revision: 9 });
    const parts = [Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))];
    expect(parseAgentMessage(parts)).toEqual({ ok: true, message: { type: "fetch", revision: 9 } });
  });
});
