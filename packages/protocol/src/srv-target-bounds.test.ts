// A compromised agent cannot make the control plane store an unbounded SIP-domain answer: the
// report's SRV targets are held to the agent's own bounds (core's sip-domain.ts).
import { MAX_SIP_DOMAIN_ADDRESSES, MAX_SRV_TARGETS } from "@gatehouse/core";
import { describe, expect, it } from "vitest";
import { fqdnResolutionSchema } from "./agent-messages.ts";

const target = (n: number, addresses = ["198.51.100.1"]) => ({ target: `t${n}.example.net`, ports: [5060], addresses });
const resolution = (targets: unknown[]) => ({ fqdn: "srv:example.net", addresses: ["198.51.100.1"], targets, ttlSeconds: 60, resolvedAt: "2026-12-01T12:00:00.000Z" });

describe("a reported SIP domain's SRV targets", () => {
  it("are taken up to the bounds the agent keeps", () => {
    const targets = Array.from({ length: MAX_SRV_TARGETS }, (_, n) => target(n));
    expect(fqdnResolutionSchema.safeParse(resolution(targets)).success).toBe(true);
    expect(fqdnResolutionSchema.safeParse({ ...resolution([]), targets: undefined }).success).toBe(true);
  });

  it("are refused past them: too many targets, or too many addresses behind one", () => {
    const tooMany = Array.from({ length: MAX_SRV_TARGETS + 1 }, (_, n) => target(n));
    expect(fqdnResolutionSchema.safeParse(resolution(tooMany)).success).toBe(false);
    const crowded = target(0, Array.from({ length: MAX_SIP_DOMAIN_ADDRESSES + 1 }, (_, i) => `198.51.100.${i % 250}`));
    expect(fqdnResolutionSchema.safeParse(resolution([crowded])).success).toBe(false);
  });
});
