// The members a backend keeps between applies: after any sequence of states they are exactly what a
// fresh plan of the last state holds, and each step reports just the members that came and went.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ResolvedAllow, ResolvedState } from "../model.ts";
import { AppliedMembers, planFirewall, planRules, type GroupChange, type MembersStep } from "./index.ts";

const sip = { id: "sip", name: "SIP", ports: [{ protocol: "udp" as const, from: 5060, to: 5060 }] };
const ssh = { id: "ssh", name: "SSH", ports: [{ protocol: "tcp" as const, from: 22, to: 22 }] };

function stateWith(allow: ResolvedAllow[], lanRanges: string[] = ["10.0.0.0/8"]): ResolvedState {
  return { policy: { mediaOpenToAll: false, lanRanges, primaryAdmin: ["203.0.113.10"] }, services: [sip, ssh], allow };
}

const sipOnly = (...addresses: string[]) => stateWith(addresses.map((address) => ({ address, services: ["sip"] })));

function tracked(state: ResolvedState): AppliedMembers {
  return AppliedMembers.of(planRules(state).groupNames, state);
}

/** Members per "group/family", sorted, from the tracker and from a fresh plan. */
function membersOf(members: AppliedMembers): Record<string, string[]> {
  return Object.fromEntries(members.sourceGroups().map((g) => [`${g.group}/${g.family}`, [...g.members].sort()]));
}

function planned(state: ResolvedState): Record<string, string[]> {
  return Object.fromEntries(planFirewall(state).groups.map((g) => [`${g.group}/${g.family}`, [...g.members].sort()]));
}

function sipChanges(step: MembersStep): Pick<GroupChange, "add" | "remove"> | undefined {
  const change = step.changes.find((c) => c.group === "sip" && c.family === 4);
  return change && { add: [...change.add].sort(), remove: [...change.remove].sort() };
}

describe("members kept between applies", () => {
  it("turns a traveler's grant into one added member, and its expiry into one removed member", () => {
    const members = tracked(sipOnly("198.51.100.7"));
    const grant = members.advance(sipOnly("198.51.100.7", "203.0.113.99"));
    expect(grant.changes).toEqual([{ group: "sip", family: 4, add: ["203.0.113.99"], remove: [] }]);
    const expiry = members.advance(sipOnly("198.51.100.7"));
    expect(expiry.changes).toEqual([{ group: "sip", family: 4, add: [], remove: ["203.0.113.99"] }]);
    expect(members.advance(sipOnly("198.51.100.7")).changes).toEqual([]);
  });

  it("leaves out an address inside an allowed network, and lets it in when the network goes", () => {
    const members = tracked(sipOnly("198.51.100.0/24", "198.51.100.7", "192.0.2.1"));
    expect(membersOf(members)["sip/4"]).toEqual(["192.0.2.1", "198.51.100.0/24"]);
    expect(sipChanges(members.advance(sipOnly("198.51.100.7", "192.0.2.1")))).toEqual({ add: ["198.51.100.7"], remove: ["198.51.100.0/24"] });
    expect(sipChanges(members.advance(sipOnly("198.51.100.7", "192.0.2.1", "198.51.100.0/25")))).toEqual({
      add: ["198.51.100.0/25"],
      remove: ["198.51.100.7"],
    });
  });

  it("does not add an address that a network already covers", () => {
    const members = tracked(sipOnly("198.51.100.0/24"));
    expect(members.advance(sipOnly("198.51.100.0/24", "198.51.100.9")).changes).toEqual([]);
    expect(members.advance(sipOnly("198.51.100.0/24")).changes).toEqual([]);
  });

  it("counts two spellings of one address once, and keeps it while either is named", () => {
    const members = tracked(sipOnly("192.0.2.1", "192.0.2.1/32", "2001:db8::1", "2001:db8:0::1/128"));
    expect(membersOf(members)).toMatchObject({ "sip/4": ["192.0.2.1"], "sip/6": ["2001:db8::1"] });
    expect(members.advance(sipOnly("192.0.2.1/32", "2001:db8::1")).changes).toEqual([]);
    expect(members.advance(sipOnly("2001:db8::1")).changes).toEqual([{ group: "sip", family: 4, add: [], remove: ["192.0.2.1"] }]);
  });

  it("reports a source moved from one service to another as a change of both groups", () => {
    const members = tracked(sipOnly("192.0.2.1"));
    const step = members.advance(stateWith([{ address: "192.0.2.1", services: ["ssh"] }]));
    expect(step.changes).toEqual([
      { group: "sip", family: 4, add: [], remove: ["192.0.2.1"] },
      { group: "ssh", family: 4, add: ["192.0.2.1"], remove: [] },
    ]);
  });

  it("puts everything back when a step is undone (a delta the kernel refused)", () => {
    const before = sipOnly("198.51.100.0/24", "198.51.100.7", "192.0.2.1");
    const members = tracked(before);
    const summaries = members.summaries();
    const step = members.advance(sipOnly("198.51.100.7", "192.0.2.2", "2001:db8::5"));
    members.undo(step);
    expect(membersOf(members)).toEqual(planned(before));
    expect(members.summaries()).toEqual(summaries);
    expect(members.advance(before).changes).toEqual([]);
  });

  it("refuses a source that is not an address and changes nothing", () => {
    const before = sipOnly("192.0.2.1");
    const members = tracked(before);
    expect(() => members.advance(sipOnly("192.0.2.1", "192.0.2.2", "not-an-address"))).toThrow(/not an IP address/);
    expect(membersOf(members)).toEqual(planned(before));
    expect(sipChanges(members.advance(sipOnly("192.0.2.1", "192.0.2.2")))).toEqual({ add: ["192.0.2.2"], remove: [] });
  });

  it("takes in a plan loaded in full only when the first change comes, and reports the same meanwhile", () => {
    const before = sipOnly("198.51.100.0/24", "198.51.100.7", "192.0.2.1", "2001:db8::1");
    const after = sipOnly("198.51.100.7", "192.0.2.2", "2001:db8::1");
    const deferred = AppliedMembers.deferred(planFirewall(before));
    const eager = tracked(before);
    expect(deferred.summaries()).toEqual(eager.summaries());
    expect(membersOf(deferred)).toEqual(planned(before));
    expect(deferred.advance(after).changes).toEqual(eager.advance(after).changes);
    expect(membersOf(deferred)).toEqual(planned(after));
    expect(deferred.summaries()).toEqual(eager.summaries());
  });

  it("gives the same sizes and digests for the same members, however they were reached", () => {
    const target = sipOnly("192.0.2.1", "198.51.100.0/24", "2001:db8::1");
    const stepped = tracked(sipOnly("192.0.2.9", "198.51.100.3"));
    stepped.advance(sipOnly("192.0.2.9", "192.0.2.1", "2001:db8::1"));
    stepped.advance(target);
    expect(stepped.summaries()).toEqual(tracked(target).summaries());
    expect(tracked(target).summaries()).not.toEqual(tracked(sipOnly("192.0.2.1", "198.51.100.0/24")).summaries());
  });
});

// A small universe of nested and disjoint networks and addresses, so that random states often
// cover, uncover and re-spell each other.
const SOURCES = [
  "192.0.2.0/24", "192.0.2.0/25", "192.0.2.128/26", "192.0.2.1", "192.0.2.1/32", "192.0.2.130", "192.0.2.200",
  "198.51.100.0/22", "198.51.100.0/24", "198.51.101.7", "198.51.103.255", "203.0.113.5", "203.0.113.6",
  "2001:db8::/48", "2001:db8::/64", "2001:db8::1", "2001:db8:0::1/128", "2001:db8:1::1", "2001:db8:1::/64",
];
const allowList = fc.array(
  fc.record({ address: fc.constantFrom(...SOURCES), services: fc.subarray(["sip", "ssh", "all", "unknown"], { minLength: 1 }) }),
  { maxLength: 14 },
);
const state = fc.tuple(allowList, fc.subarray(["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/48"])).map(([allow, lan]) => stateWith(allow, lan));

describe("members kept between applies, for any sequence of states", () => {
  it("always equal a fresh plan of the last state, and each step's changes lead from the previous members to the new", () => {
    const steps = fc.array(fc.record({ next: state, undone: fc.boolean() }), { maxLength: 10 });
    fc.assert(
      fc.property(state, steps, fc.boolean(), (first, rest, loadedInFull) => {
        const members = loadedInFull ? AppliedMembers.deferred(planFirewall(first)) : tracked(first);
        expect(members.summaries()).toEqual(tracked(first).summaries());
        let previous = planned(first);
        expect(membersOf(members)).toEqual(previous);
        for (const { next, undone } of rest) {
          const step = members.advance(next);
          const expected = planned(next);
          expect(membersOf(members)).toEqual(expected);
          const replayed: Record<string, string[]> = { ...previous };
          for (const change of step.changes) {
            const key = `${change.group}/${change.family}`;
            const kept = (replayed[key] ?? []).filter((member) => !change.remove.includes(member));
            replayed[key] = [...kept, ...change.add].sort();
          }
          expect(replayed).toEqual(expected);
          if (undone) {
            members.undo(step);
            expect(membersOf(members)).toEqual(previous);
          } else previous = expected;
        }
      }),
      { seed: 20_240_611, numRuns: 400 },
    );
  });

  it("return to the previous members when a step is undone", () => {
    fc.assert(
      fc.property(state, state, (before, after) => {
        const members = tracked(before);
        const summaries = members.summaries();
        members.undo(members.advance(after));
        expect(membersOf(members)).toEqual(planned(before));
        expect(members.summaries()).toEqual(summaries);
      }),
      { seed: 20_240_612, numRuns: 300 },
    );
  });
});
