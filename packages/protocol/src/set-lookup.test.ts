import { describe, expect, it } from "vitest";
import { encodeMessage, parseAgentMessage, parseHubMessage, PROTOCOL_VERSION } from "./index.ts";

const request = { type: "set-lookup", version: 1, requestId: "7d0c4e1a-5b7e-4c1f-9a51-0f2a3c4d5e6f", address: "203.0.113.7" } as const;
const answer = { type: "set-lookup-answer", version: 1, requestId: request.requestId, backend: "nftables", groups: [{ group: "sip", present: true }] } as const;

describe("the set-lookup request and answer", () => {
  it("round-trip through the parsers of each side", () => {
    expect(parseHubMessage(encodeMessage(request))).toEqual({ ok: true, message: request });
    expect(parseAgentMessage(JSON.stringify(answer))).toEqual({ ok: true, message: answer });
  });

  it("refuse another version, a stray key, a malformed request id and an unbounded answer", () => {
    expect(parseHubMessage(JSON.stringify({ ...request, version: 2 })).ok).toBe(false);
    expect(parseHubMessage(JSON.stringify({ ...request, command: "nft flush ruleset" })).ok).toBe(false);
    expect(parseHubMessage(JSON.stringify({ ...request, requestId: "../../etc" })).ok).toBe(false);
    const groups = Array.from({ length: 129 }, (_, index) => ({ group: `s${index}`, present: false }));
    expect(parseAgentMessage(JSON.stringify({ ...answer, groups })).ok).toBe(false);
    expect(parseAgentMessage(JSON.stringify({ ...answer, groups: [{ group: "sip", present: "yes" }] })).ok).toBe(false);
  });

  it("a hello may offer the feature, and nothing but known features", () => {
    const hello = { type: "hello", protocolVersion: PROTOCOL_VERSION, agentVersion: "1", backend: "nftables" };
    expect(parseAgentMessage(JSON.stringify({ ...hello, features: ["set-lookup"] })).ok).toBe(true);
    expect(parseAgentMessage(JSON.stringify(hello)).ok).toBe(true);
    expect(parseAgentMessage(JSON.stringify({ ...hello, features: ["shell"] })).ok).toBe(false);
  });
});
