import { describe, expect, it } from "vitest";
import { SERVICE_CATALOGUE, type ResolvedState } from "@gatehouse/core";
import type { FirewallBackend } from "../firewall/backend.ts";
import { DryRunBackend } from "../firewall/dry-run-backend.ts";
import { desiredOf } from "./desired.ts";
import { answerSetLookup } from "./set-lookup-answer.ts";
import { Enforcer } from "./enforcer.ts";

const request = { type: "set-lookup", version: 1, requestId: "req-00000001", address: "203.0.113.7" } as const;
const sip = SERVICE_CATALOGUE.find((service) => service.id === "sip")!;
const desired = desiredOf(1, "h", { serverId: "s", policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: null }, services: [sip], entries: [{ source: "203.0.113.7", kind: "ip", services: ["sip"] }] });

/** A backend whose kernel answers from a fixed table, recording what it was asked. */
function answeringBackend(present: Record<string, boolean>, asked: string[][]): FirewallBackend {
  const dry = new DryRunBackend();
  return {
    name: "nftables",
    apply: (state: ResolvedState) => dry.apply(state),
    verify: (state: ResolvedState) => dry.verify(state),
    uninstall: () => Promise.resolve(),
    lookup: (address, groups) => {
      asked.push([address, ...groups]);
      return Promise.resolve(groups.map((group) => ({ group, present: present[group] ?? false })));
    },
  };
}

describe("the agent's answer to set-lookup", () => {
  it("asks the backend about every source group of the enforced firewall and repeats the request id", async () => {
    const asked: string[][] = [];
    const enforcer = new Enforcer(answeringBackend({ sip: true }, asked));
    await enforcer.enforce(desired, new Map());
    const answer = await answerSetLookup(request, enforcer);
    expect(asked).toEqual([["203.0.113.7", "lan", "admin", "all", "sip"]]);
    expect(answer).toEqual({ type: "set-lookup-answer", version: 1, requestId: "req-00000001", backend: "nftables", groups: [{ group: "lan", present: false }, { group: "admin", present: false }, { group: "all", present: false }, { group: "sip", present: true }] });
  });

  it("says why it cannot look: nothing enforced yet, or a dry run without kernel sets", async () => {
    const fresh = await answerSetLookup(request, new Enforcer(answeringBackend({}, [])));
    expect(fresh).toMatchObject({ groups: [], error: "this agent enforces nothing yet" });
    const dry = await answerSetLookup(request, new Enforcer(new DryRunBackend()));
    expect(dry).toMatchObject({ backend: "dry-run", groups: [], error: "the dry-run backend has no kernel sets to look in" });
  });
});
