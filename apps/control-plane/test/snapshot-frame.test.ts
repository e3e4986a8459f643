// The `state` message the hub writes once per fold and completes per server says exactly what
// the protocol's own encoding says, for any state and any server: an agent cannot tell them apart.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { effectiveStateForServer, type ScopedEntry } from "@gatehouse/core";
import { encodeMessage, parseHubMessage } from "@gatehouse/protocol";
import { stateFrameWriter } from "../src/hub/snapshot-frame.ts";

const entry: fc.Arbitrary<ScopedEntry> = fc.record({
  source: fc.oneof(fc.ipV4(), fc.domain(), fc.ipV6()),
  kind: fc.constantFrom("ip", "fqdn"),
  services: fc.subarray(["sip", "rtp", "iax2", "ssh", "all"], { minLength: 1 }),
  scope: fc.constant("FLEET"),
  tenantId: fc.constant(null),
  groupName: fc.constant(null),
  serverId: fc.constant(null),
  expiresAt: fc.constant(null),
});

const sharedState = fc
  .record({
    entries: fc.array(entry, { maxLength: 30 }),
    primaryAdminSource: fc.option(fc.ipV4(), { nil: null }),
    lanRanges: fc.subarray(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]),
    mediaOpenToAll: fc.boolean(),
  })
  .map(({ entries, ...policy }) => effectiveStateForServer({ server: { id: "first-server", tenantId: "t", tags: [], ...policy }, entries, customServices: [], now: new Date() }));

describe("the state frame written once per fold", () => {
  it("parses back, for every server, to the state message the protocol encodes for it", () => {
    fc.assert(
      fc.property(sharedState, fc.array(fc.tuple(fc.uuid(), fc.nat(), fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 })), { minLength: 1, maxLength: 5 }), (shared, servers) => {
        const write = stateFrameWriter(shared);
        for (const [serverId, revision, hash] of servers) {
          const message = { type: "state" as const, revision, hash, state: { ...shared, serverId } };
          const frame = write({ revision, hash }, serverId);
          expect(parseHubMessage(frame)).toEqual({ ok: true, message });
          expect(JSON.parse(frame.toString("utf8"))).toEqual(JSON.parse(encodeMessage(message)));
        }
      }),
      { seed: 1_302, numRuns: 200 },
    );
  });
});
