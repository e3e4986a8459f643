import { describe, expect, it } from "vitest";
import { confirmFallback } from "./confirm-fallback.ts";
import type { DesiredEntry, DesiredState } from "./model.ts";
import { SERVICE_CATALOGUE } from "./services.ts";

const catalogue = (...ids: string[]) => SERVICE_CATALOGUE.filter((service) => ids.includes(service.id));
const ip = (source: string, ...services: string[]): DesiredEntry => ({ source, kind: "ip", services });

function state(entries: DesiredEntry[], overrides: Partial<DesiredState> = {}): DesiredState {
  const ids = new Set(entries.flatMap((entry) => entry.services));
  ids.add("rtp");
  return {
    serverId: "srv-1",
    policy: { mediaOpenToAll: true, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" },
    services: catalogue(...ids),
    entries,
    ...overrides,
  };
}

describe("what an agent falls back to while the control plane has not confirmed a new state", () => {
  it("a state that only removes access is its own fallback: nothing the operator removed comes back", () => {
    const confirmed = state([ip("192.0.2.10", "sip"), ip("198.51.100.7", "sip", "ssh")]);
    const next = state([ip("198.51.100.7", "sip")]);
    expect(confirmFallback(confirmed, next)).toEqual({ state: next, onlyRemovesAccess: true });
  });

  it("a state that adds a source falls back without the new source, and without the removed one", () => {
    const confirmed = state([ip("192.0.2.10", "sip"), ip("198.51.100.7", "sip")]);
    const next = state([ip("198.51.100.7", "sip"), ip("203.0.113.77", "sip")]);
    const fallback = confirmFallback(confirmed, next);
    expect(fallback.onlyRemovesAccess).toBe(false);
    expect(fallback.state.entries).toEqual([ip("198.51.100.7", "sip")]);
  });

  it("a service added to a kept source is taken back, the ones it had stay", () => {
    const fallback = confirmFallback(state([ip("198.51.100.7", "sip")]), state([ip("198.51.100.7", "sip", "ssh")]));
    expect(fallback.state.entries).toEqual([ip("198.51.100.7", "sip")]);
    expect(fallback.state.services.map((service) => service.id)).toEqual(["rtp", "sip"]);
  });

  it("'all' narrowed to SIP is a removal; SIP widened to 'all' falls back to SIP", () => {
    expect(confirmFallback(state([ip("198.51.100.7", "all")]), state([ip("198.51.100.7", "sip")])).onlyRemovesAccess).toBe(true);
    const widened = confirmFallback(state([ip("198.51.100.7", "sip")]), state([ip("198.51.100.7", "all")]));
    expect(widened.state.entries).toEqual([ip("198.51.100.7", "sip")]);
  });

  it("a custom service whose ports changed is not allowed by the fallback", () => {
    const custom = (to: number) => ({ id: "prov", name: "Provisioning", ports: [{ protocol: "tcp" as const, from: 8000, to }] });
    const confirmed = { ...state([ip("198.51.100.7", "prov")]), services: [custom(8000)] };
    const next = { ...state([ip("198.51.100.7", "prov")]), services: [custom(8999)] };
    expect(confirmFallback(confirmed, next).state.entries).toEqual([]);
  });

  it("media opened to all and a new LAN range wait for the confirmation; the new primary admin does not", () => {
    const confirmed = state([], { policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" } });
    const next = state([], { policy: { mediaOpenToAll: true, lanRanges: ["10.0.0.0/8", "172.16.0.0/12"], primaryAdmin: "203.0.113.11" } });
    const fallback = confirmFallback(confirmed, next);
    expect(fallback.state.policy).toEqual({ mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.11" });
    expect(fallback.state.services).toEqual([]);
    expect(fallback.onlyRemovesAccess).toBe(false);
  });

  it("an FQDN entry is matched by its name, not by the addresses it resolves to", () => {
    const fqdn = (source: string): DesiredEntry => ({ source, kind: "fqdn", services: ["sip"] });
    const fallback = confirmFallback(state([fqdn("trunk.example.test")]), state([fqdn("trunk.example.test"), fqdn("new.example.test")]));
    expect(fallback.state.entries).toEqual([fqdn("trunk.example.test")]);
  });
});
