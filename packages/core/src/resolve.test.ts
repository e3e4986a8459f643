import { describe, expect, it } from "vitest";
import type { DesiredState } from "./model.ts";
import { resolveDesiredState } from "./resolve.ts";
import { SERVICE_CATALOGUE } from "./services.ts";

const services = SERVICE_CATALOGUE.filter((service) => ["iax2", "rtp", "sip", "ssh"].includes(service.id));

function desired(overrides: Partial<DesiredState> = {}): DesiredState {
  return {
    serverId: "srv-1",
    policy: { mediaOpenToAll: true, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" },
    services,
    entries: [
      { source: "office.dyn.example.net", kind: "fqdn", services: ["ssh"] },
      { source: "trunk.example.com", kind: "fqdn", services: ["iax2", "sip"] },
      { source: "198.51.100.7", kind: "ip", services: ["sip"] },
      { source: "2001:db8::/48", kind: "ip", services: ["rtp"] },
    ],
    ...overrides,
  };
}

describe("a server's host names become addresses", () => {
  it("replaces each host name by its answered addresses and keeps the addresses", () => {
    const answers = new Map([
      ["trunk.example.com", ["203.0.113.20", "2001:db8:5::20"]],
      ["office.dyn.example.net", ["198.51.100.50"]],
    ]);
    const { resolved, unresolved } = resolveDesiredState(desired(), answers);
    expect(unresolved).toEqual([]);
    expect(resolved).toEqual({
      policy: { mediaOpenToAll: true, lanRanges: ["10.0.0.0/8"], primaryAdmin: ["203.0.113.10"] },
      services,
      allow: [
        { address: "198.51.100.50", services: ["ssh"] },
        { address: "198.51.100.7", services: ["sip"] },
        { address: "2001:db8:5::20", services: ["iax2", "sip"] },
        { address: "2001:db8::/48", services: ["rtp"] },
        { address: "203.0.113.20", services: ["iax2", "sip"] },
      ],
    });
  });

  it("leaves out and reports a host name that did not resolve, and applies everything else", () => {
    const answers = new Map([["trunk.example.com", ["203.0.113.20"]]]);
    const { resolved, unresolved } = resolveDesiredState(desired(), answers);
    expect(unresolved).toEqual(["office.dyn.example.net"]);
    expect(resolved.allow.map((allow) => allow.address)).toEqual(["198.51.100.7", "2001:db8::/48", "203.0.113.20"]);
  });

  it("reports a host name with an empty answer", () => {
    const answers = new Map<string, string[]>([["trunk.example.com", []], ["office.dyn.example.net", ["198.51.100.50"]]]);
    expect(resolveDesiredState(desired(), answers).unresolved).toEqual(["trunk.example.com"]);
  });

  it("never lets an answer that is not a single address through", () => {
    const answers = new Map([
      ["trunk.example.com", ["0.0.0.0/0", "203.0.113.0/24", "evil.example.com", "1.2.3.4; reboot", "010.1.1.1", " 203.0.113.21 ", "::ffff:1.2.3.4"]],
      ["office.dyn.example.net", ["not an address", "", "::"]],
    ]);
    const { resolved, unresolved } = resolveDesiredState(desired(), answers);
    expect(unresolved).toEqual(["office.dyn.example.net"]);
    expect(resolved.allow.map((allow) => allow.address)).toEqual(["198.51.100.7", "2001:db8::/48", "203.0.113.21"]);
  });

  it("canonicalises answered addresses", () => {
    const answers = new Map([["trunk.example.com", ["2001:DB8:0:0:0:0:0:20"]], ["office.dyn.example.net", ["198.51.100.50"]]]);
    const { resolved } = resolveDesiredState(desired(), answers);
    expect(resolved.allow.map((allow) => allow.address)).toContain("2001:db8::20");
  });
});

describe("addresses reached through several entries", () => {
  it("are merged with the union of their services", () => {
    const answers = new Map([
      ["trunk.example.com", ["198.51.100.7", "203.0.113.20", "203.0.113.20"]],
      ["office.dyn.example.net", ["203.0.113.20"]],
    ]);
    const { resolved } = resolveDesiredState(desired(), answers);
    expect(resolved.allow).toEqual([
      { address: "198.51.100.7", services: ["iax2", "sip"] },
      { address: "2001:db8::/48", services: ["rtp"] },
      { address: "203.0.113.20", services: ["iax2", "sip", "ssh"] },
    ]);
  });

  it("with all services allowed keep only 'all'", () => {
    const state = desired({
      entries: [
        { source: "trunk.example.com", kind: "fqdn", services: ["all"] },
        { source: "198.51.100.7", kind: "ip", services: ["sip"] },
      ],
    });
    const { resolved } = resolveDesiredState(state, new Map([["trunk.example.com", ["198.51.100.7"]]]));
    expect(resolved.allow).toEqual([{ address: "198.51.100.7", services: ["all"] }]);
  });

  it("come out in the same order whatever order the answers came in", () => {
    const forward = new Map([["trunk.example.com", ["203.0.113.20", "198.51.100.9", "2001:db8:5::1"]]]);
    const backward = new Map([["trunk.example.com", ["2001:db8:5::1", "198.51.100.9", "203.0.113.20"]]]);
    expect(resolveDesiredState(desired(), forward)).toEqual(resolveDesiredState(desired(), backward));
  });
});

describe("the primary admin", () => {
  it("stays allowed as an address", () => {
    expect(resolveDesiredState(desired(), new Map()).resolved.policy.primaryAdmin).toEqual(["203.0.113.10"]);
  });

  it("given as a host name becomes its addresses", () => {
    const state = desired({ policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: "admin.example.org" } });
    const { resolved, unresolved } = resolveDesiredState(state, new Map([["admin.example.org", ["203.0.113.11", "2001:db8::11", "203.0.113.11"]]]));
    expect(resolved.policy.primaryAdmin).toEqual(["2001:db8::11", "203.0.113.11"]);
    expect(unresolved).toEqual(["office.dyn.example.net", "trunk.example.com"]);
  });

  it("given as a host name of only hex letters is still resolved as a name", () => {
    const state = desired({ entries: [], policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: "cafe.de" } });
    expect(resolveDesiredState(state, new Map()).unresolved).toEqual(["cafe.de"]);
  });

  it("is reported when its host name does not resolve", () => {
    const state = desired({ entries: [], policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: "admin.example.org" } });
    const { resolved, unresolved } = resolveDesiredState(state, new Map());
    expect(resolved.policy.primaryAdmin).toEqual([]);
    expect(unresolved).toEqual(["admin.example.org"]);
  });

  it("may be absent", () => {
    const state = desired({ policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: null } });
    expect(resolveDesiredState(state, new Map()).resolved.policy.primaryAdmin).toEqual([]);
  });
});
