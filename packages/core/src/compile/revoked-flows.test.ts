// What an apply must cut: the open flows the previous state allowed and the new one does not,
// and never a flow that is still allowed.
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import type { Protocol, ResolvedState, ServiceDefinition } from "../model.ts";
import { revokedFlows, RevokedFlowMatcher } from "./index.ts";

const SIP: ServiceDefinition = { id: "sip", name: "SIP", ports: [{ protocol: "udp", from: 5060, to: 5060 }, { protocol: "tcp", from: 5060, to: 5060 }] };
const RTP: ServiceDefinition = { id: "rtp", name: "RTP", ports: [{ protocol: "udp", from: 10000, to: 20000 }] };
const SSH: ServiceDefinition = { id: "ssh", name: "SSH", ports: [{ protocol: "tcp", from: 22, to: 22 }] };
const SERVICES = [RTP, SIP, SSH];

function state(allow: ResolvedState["allow"], policy: Partial<ResolvedState["policy"]> = {}): ResolvedState {
  return { policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: ["203.0.113.10"], ...policy }, services: SERVICES, allow };
}

const cut = (before: ResolvedState, after: ResolvedState) => new RevokedFlowMatcher(revokedFlows(before, after));

describe("flows revoked by a new state", () => {
  it("a phone whose entry is removed loses SIP on UDP and TCP, and nothing else is listed", () => {
    const before = state([{ address: "198.51.100.7", services: ["sip"] }, { address: "198.51.100.8", services: ["sip"] }]);
    const after = state([{ address: "198.51.100.8", services: ["sip"] }]);
    expect(revokedFlows(before, after)).toEqual([
      { family: 4, protocol: "tcp", source: "198.51.100.7", ports: [{ from: 5060, to: 5060 }], kept: [] },
      { family: 4, protocol: "udp", source: "198.51.100.7", ports: [{ from: 5060, to: 5060 }], kept: [] },
    ]);
  });

  it("an unchanged state or one that only adds revokes nothing", () => {
    const before = state([{ address: "198.51.100.7", services: ["sip"] }]);
    expect(revokedFlows(before, before)).toEqual([]);
    expect(revokedFlows(before, state([{ address: "198.51.100.7", services: ["sip", "rtp"] }, { address: "2001:db8::7", services: ["all"] }]))).toEqual([]);
  });

  it("a host still covered by a /24 for the same service keeps its flows", () => {
    const before = state([{ address: "198.51.100.7", services: ["sip"] }, { address: "198.51.100.0/24", services: ["sip"] }]);
    const after = state([{ address: "198.51.100.0/24", services: ["sip"] }]);
    expect(revokedFlows(before, after)).toEqual([]);
  });

  it("a source moved to \"all\" services, the LAN ranges or the admin address keeps its flows", () => {
    const before = state([{ address: "198.51.100.7", services: ["sip"] }, { address: "10.1.2.3", services: ["sip"] }, { address: "203.0.113.10", services: ["ssh"] }]);
    expect(revokedFlows(before, state([{ address: "198.51.100.7", services: ["all"] }]))).toEqual([]);
  });

  it("a /24 that goes keeps the hosts inside it that are still allowed, for their ports only", () => {
    const before = state([{ address: "198.51.100.0/24", services: ["sip", "rtp"] }]);
    const after = state([{ address: "198.51.100.9", services: ["sip"] }]);
    const matcher = cut(before, after);
    expect(matcher.matches("udp", "198.51.100.9", 5060)).toBe(false);
    expect(matcher.matches("udp", "198.51.100.9", 12000)).toBe(true);
    expect(matcher.matches("udp", "198.51.100.10", 5060)).toBe(true);
    expect(matcher.matches("tcp", "198.51.100.200", 5060)).toBe(true);
    expect(matcher.matches("udp", "198.51.101.1", 5060)).toBe(false);
  });

  it("one service of several going revokes only its ports", () => {
    const matcher = cut(state([{ address: "2001:db8::7", services: ["sip", "ssh"] }]), state([{ address: "2001:db8::7", services: ["sip"] }]));
    expect(matcher.matches("tcp", "2001:db8::7", 22)).toBe(true);
    expect(matcher.matches("tcp", "2001:db8::7", 5060)).toBe(false);
    expect(matcher.matches("udp", "2001:db8::7", 5060)).toBe(false);
  });

  it("RTP closed to the public keeps the sources still allowed RTP, and cuts everyone else's media", () => {
    const before = state([{ address: "198.51.100.7", services: ["rtp"] }], { mediaOpenToAll: true });
    const after = state([{ address: "198.51.100.7", services: ["rtp"] }]);
    const matcher = cut(before, after);
    expect(matcher.matches("udp", "192.0.2.50", 15000)).toBe(true);
    expect(matcher.matches("udp", "2001:db8::50", 15000)).toBe(true);
    expect(matcher.matches("udp", "198.51.100.7", 15000)).toBe(false);
    expect(matcher.matches("udp", "10.9.9.9", 15000)).toBe(false);
    expect(matcher.matches("udp", "192.0.2.50", 5060)).toBe(false);
  });

  it("a custom service whose ports narrow loses the ports it no longer has", () => {
    const wide: ServiceDefinition = { id: "web", name: "Web", ports: [{ protocol: "tcp", from: 8000, to: 8100 }] };
    const narrow: ServiceDefinition = { ...wide, ports: [{ protocol: "tcp", from: 8000, to: 8010 }] };
    const before = { ...state([{ address: "198.51.100.7", services: ["web"] }]), services: [wide] };
    const after = { ...before, services: [narrow] };
    expect(revokedFlows(before, after)).toEqual([{ family: 4, protocol: "tcp", source: "198.51.100.7", ports: [{ from: 8011, to: 8100 }], kept: [] }]);
  });

  it("an address the matcher cannot read, or a network instead of one address, matches nothing", () => {
    const matcher = cut(state([{ address: "198.51.100.7", services: ["sip"] }]), state([]));
    expect(matcher.matches("udp", "not-an-address", 5060)).toBe(false);
    expect(matcher.matches("udp", "198.51.100.0/24", 5060)).toBe(false);
  });
});

// --- property: the matcher says "revoked" exactly when the old state allowed and the new does not.

const HOSTS = ["198.51.100.1", "198.51.100.6", "198.51.100.7", "198.51.100.130", "10.0.0.5", "203.0.113.10", "2001:db8::1", "2001:db8::7", "2001:db8:0:1::9"];
const NETWORKS = ["198.51.100.0/24", "198.51.100.0/29", "198.51.100.4/30", "198.51.0.0/16", "2001:db8::/64", "2001:db8::/126", "2001:db8::/32"];
const PORTS = [22, 80, 5060, 5061, 9999, 10000, 15000, 20000, 20001];
const SERVICE_IDS = ["sip", "rtp", "ssh", "all", "gone"];

const containment = new Map<string, boolean>();

function contains(network: string, host: string): boolean {
  const key = `${network} ${host}`;
  let known = containment.get(key);
  if (known === undefined) containment.set(key, (known = parsedContains(network, host)));
  return known;
}

function parsedContains(network: string, host: string): boolean {
  const address = ipaddr.parse(host);
  if (!network.includes("/")) return ipaddr.parse(network).toString() === address.toString();
  const [base, bits] = ipaddr.parseCIDR(network);
  return base.kind() === address.kind() && address.match(base, bits);
}

/** The firewall's promise, written out plainly: who may send what to which port. */
function allows(s: ResolvedState, protocol: Protocol, host: string, port: number): boolean {
  const everything = [...s.policy.lanRanges, ...s.policy.primaryAdmin, ...s.allow.filter((a) => a.services.includes("all")).map((a) => a.address)];
  if (everything.some((network) => contains(network, host))) return true;
  const servesPort = (id: string) => s.services.some((d) => d.id === id && d.ports.some((p) => p.protocol === protocol && p.from <= port && port <= p.to));
  if (s.policy.mediaOpenToAll && servesPort("rtp")) return true;
  return s.allow.some((a) => contains(a.address, host) && a.services.some(servesPort));
}

const arbitraryState = fc.record({
  mediaOpenToAll: fc.boolean(),
  lan: fc.subarray(["10.0.0.0/8", "198.51.100.128/25"]),
  admin: fc.subarray(["203.0.113.10", "2001:db8::1"], { maxLength: 1 }),
  allow: fc.array(fc.record({ address: fc.constantFrom(...HOSTS, ...NETWORKS), services: fc.subarray(SERVICE_IDS, { minLength: 1 }) }), { maxLength: 8 }),
  rtpTo: fc.constantFrom(15000, 20000),
});

type StateShape = typeof arbitraryState extends fc.Arbitrary<infer T> ? T : never;

function toState(a: StateShape): ResolvedState {
  const rtp: ServiceDefinition = { ...RTP, ports: [{ protocol: "udp", from: 10000, to: a.rtpTo }] };
  return { policy: { mediaOpenToAll: a.mediaOpenToAll, lanRanges: a.lan, primaryAdmin: a.admin }, services: [rtp, SIP, SSH], allow: a.allow };
}

function matchesExactly(before: ResolvedState, after: ResolvedState): boolean {
  const matcher = new RevokedFlowMatcher(revokedFlows(before, after));
  for (const host of HOSTS) {
    for (const protocol of ["tcp", "udp"] as const) {
      for (const port of PORTS) {
        const expected = allows(before, protocol, host, port) && !allows(after, protocol, host, port);
        if (matcher.matches(protocol, host, port) !== expected) return false;
      }
    }
  }
  return true;
}

/** As the resolver hands them over: one entry per address, sorted by address. */
function resolverOrdered(state: ResolvedState): ResolvedState {
  const merged = new Map<string, Set<string>>();
  for (const allow of state.allow) merged.set(allow.address, new Set([...(merged.get(allow.address) ?? []), ...allow.services]));
  const allow = [...merged].map(([address, services]) => ({ address, services: [...services].sort() })).sort((a, b) => (a.address < b.address ? -1 : 1));
  return { ...state, allow };
}

describe("revoked flows, for any two states", () => {
  it("cut exactly the flows the old state allowed and the new one does not", () => {
    fc.assert(fc.property(arbitraryState, arbitraryState, (a, b) => matchesExactly(toState(a), toState(b))), { numRuns: 400 });
  });

  it("are exact too when only entries changed, however the lists are ordered (the usual apply)", () => {
    const entries = fc.array(fc.record({ address: fc.constantFrom(...HOSTS, ...NETWORKS), services: fc.subarray(SERVICE_IDS, { minLength: 1 }) }), { maxLength: 8 });
    fc.assert(
      fc.property(arbitraryState, entries, fc.boolean(), (a, allowAfter, ordered) => {
        const before = toState(a);
        const after = { ...before, allow: allowAfter };
        return ordered ? matchesExactly(resolverOrdered(before), resolverOrdered(after)) : matchesExactly(before, after);
      }),
      { numRuns: 400 },
    );
  });
});
