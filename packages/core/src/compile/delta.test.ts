import { describe, expect, it } from "vitest";
import type { ResolvedState } from "../model.ts";
import { compileIpsetDelta, compileIptables, compileNftDelta, compileNftRuleset, diffSets, nftIntervalDeltaTooCostly, normaliseMembers } from "./index.ts";
import { goldenStates } from "./golden-states.ts";

const typical = goldenStates.typical!;

function withAllow(state: ResolvedState, allow: ResolvedState["allow"]): ResolvedState {
  return { ...state, allow };
}

describe("a traveler's grant as a delta", () => {
  const granted = withAllow(typical, [...typical.allow, { address: "203.0.113.99", services: ["sip"] }]);

  it("changes set members only, so the rules stay the same", () => {
    expect(compileIptables(granted).rulesKey).toBe(compileIptables(typical).rulesKey);
    expect(compileNftRuleset(granted).rulesKey).toBe(compileNftRuleset(typical).rulesKey);
  });

  it("adds the address to the SIP set of each backend and nothing else", () => {
    expect(diffSets(compileIptables(typical).sets, compileIptables(granted).sets)).toEqual({
      "gh4-sip": { add: ["203.0.113.99"], remove: [] },
    });
    expect(diffSets(compileNftRuleset(typical).sets, compileNftRuleset(granted).sets)).toEqual({
      "gh4-sip": { add: ["203.0.113.99"], remove: [] },
    });
  });

  it("closes again as a removal when the grant expires", () => {
    expect(diffSets(compileIptables(granted).sets, compileIptables(typical).sets)).toEqual({
      "gh4-sip": { add: [], remove: ["203.0.113.99"] },
    });
  });

  it("renders one ipset batch, additions first so a source is never briefly missing", () => {
    const delta = { "gh4-sip": { add: ["192.0.2.0/24"], remove: ["192.0.2.7"] }, "gh6-sip": { add: ["2001:db8::1"], remove: [] } };
    expect(compileIpsetDelta(delta)).toBe(
      ["add gh4-sip 192.0.2.0/24 -exist", "add gh6-sip 2001:db8::1 -exist", "del gh4-sip 192.0.2.7 -exist", ""].join("\n"),
    );
  });

  it("renders one nft transaction, removals first so overlapping networks never clash", () => {
    const delta = { "gh4-sip.net": { add: ["192.0.2.0/24"], remove: ["192.0.2.0/25"] }, "gh4-sip": { add: ["198.51.100.1", "198.51.100.2"], remove: [] } };
    expect(compileNftDelta(delta)).toBe(
      [
        "delete element inet gatehouse gh4-sip.net { 192.0.2.0/25 }",
        "add element inet gatehouse gh4-sip { 198.51.100.1, 198.51.100.2 }",
        "add element inet gatehouse gh4-sip.net { 192.0.2.0/24 }",
        "",
      ].join("\n"),
    );
  });

  it("renders nothing when nothing changed", () => {
    expect(diffSets(compileIptables(typical).sets, compileIptables(typical).sets)).toEqual({});
    expect(compileIpsetDelta({})).toBe("");
    expect(compileNftDelta({})).toBe("");
  });
});

describe("a new service for an entry", () => {
  it("changes the rules, so the backend replaces everything", () => {
    const withSsh = withAllow(typical, [...typical.allow, { address: "203.0.113.99", services: ["ssh"] }]);
    const withoutSsh = { ...typical, services: typical.services.filter((s) => s.id !== "ssh"), allow: typical.allow.filter((a) => !a.services.includes("ssh")) };
    expect(compileIptables(withoutSsh).rulesKey).not.toBe(compileIptables(withSsh).rulesKey);
    expect(compileNftRuleset(withoutSsh).rulesKey).not.toBe(compileNftRuleset(withSsh).rulesKey);
  });
});

describe("set members", () => {
  it("are canonical networks with covered and duplicate sources removed", () => {
    expect(normaliseMembers(["198.51.100.77", "198.51.100.0/24", "192.0.2.9/24", "192.0.2.1", "203.0.113.5/32", "203.0.113.5"], 4)).toEqual([
      "192.0.2.0/24",
      "198.51.100.0/24",
      "203.0.113.5",
    ]);
  });

  it("keep adjacent networks apart, as the kernel lists them", () => {
    expect(normaliseMembers(["192.0.2.128/25", "192.0.2.0/25"], 4)).toEqual(["192.0.2.0/25", "192.0.2.128/25"]);
  });

  it("write IPv6 in its RFC 5952 form and keep the families apart", () => {
    expect(normaliseMembers(["2001:DB8:0:0:0:0:0:1", "2001:db8:1::5/48", "192.0.2.1"], 6)).toEqual(["2001:db8::1", "2001:db8:1::/48"]);
  });

  it("refuse anything that is not an address, and ranges that match everyone", () => {
    expect(() => normaliseMembers(["sip.example.com"], 4)).toThrow(/not an IP address/);
    expect(() => normaliseMembers(["192.0.2.300"], 4)).toThrow(/not an IP address/);
    expect(() => normaliseMembers(["0.0.0.0/0"], 4)).toThrow(/every address/);
    expect(() => normaliseMembers(["192.0.2.0/33"], 4)).toThrow(/prefix length/);
  });
});

describe("an empty allowlist", () => {
  it("still drops the public and keeps loopback, replies to our own connections, LAN and admin", () => {
    const ruleset = compileIptables(goldenStates.empty!);
    for (const rules of [ruleset.iptablesV4, ruleset.iptablesV6]) {
      expect(rules).toMatch(/-i lo .*-j ACCEPT/);
      expect(rules).toMatch(/--ctstate ESTABLISHED --ctdir REPLY .*-j ACCEPT/);
      expect(rules).toMatch(/gh[46]-lan src .*-j ACCEPT/);
      expect(rules).toMatch(/gh[46]-admin src .*-j ACCEPT/);
      expect(rules.trim().split("\n").at(-2)).toMatch(/-j DROP$/);
    }
    expect(compileNftRuleset(goldenStates.empty!).script).toMatch(/policy drop;/);
  });
});

describe("service ids", () => {
  it("that would clash with the firewall's own sets are refused", () => {
    const bad = (id: string): ResolvedState => ({ ...typical, services: [{ id, name: id, ports: [{ protocol: "tcp", from: 1, to: 1 }] }] });
    expect(() => compileIptables(bad("lan"))).toThrow(/reserved/);
    expect(() => compileNftRuleset(bad("admin"))).toThrow(/reserved/);
    expect(() => compileIptables(bad("sip.new"))).toThrow(/at most 21 characters/);
    expect(() => compileIptables(bad("a-service-id-that-is-too-long"))).toThrow(/at most 21 characters/);
  });
});

describe("nft deltas on large interval sets (country lists)", () => {
  const set = (group: string, members: number, hosts: number) => ({ group, family: 4 as const, members, hosts, digest: "" });
  const us = set("sip", 215_000, 0);
  const networks = (count: number) => Array.from({ length: count }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);

  it("a traveler's address (a host) is a delta however large the country list beside it", () => {
    expect(nftIntervalDeltaTooCostly([{ group: "sip", family: 4, add: ["203.0.113.99"], remove: [] }], [us])).toBe(false);
  });

  it("a few networks changed in the US list are a delta; one percent of them is a full replace", () => {
    expect(nftIntervalDeltaTooCostly([{ group: "sip", family: 4, add: networks(10), remove: [] }], [us])).toBe(false);
    expect(nftIntervalDeltaTooCostly([{ group: "sip", family: 4, add: networks(1_100), remove: networks(1_050) }], [us])).toBe(true);
  });

  it("the same thousand changes to a small interval set stay a delta", () => {
    expect(nftIntervalDeltaTooCostly([{ group: "ssh", family: 4, add: networks(1_000), remove: [] }], [us, set("ssh", 1_500, 200)])).toBe(false);
  });
});
