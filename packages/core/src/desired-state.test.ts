import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  effectiveStateForServer,
  entryCoversServer,
  hashDesiredState,
  nextExpiry,
  type EffectiveStateInput,
  type ScopedEntry,
  type ServerForState,
} from "./desired-state.ts";
import type { ServiceDefinition } from "./model.ts";

const NOW = new Date("2026-11-24T12:00:00Z");
const LATER = new Date("2026-11-24T13:00:00Z");
const EARLIER = new Date("2026-11-24T11:00:00Z");

const pbx: ServerForState = {
  id: "srv-acme-1",
  tenantId: "acme",
  tags: ["london", "sales"],
  primaryAdminSource: "203.0.113.10",
  lanRanges: ["192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12"],
  mediaOpenToAll: true,
};

function entry(source: string, overrides: Partial<ScopedEntry> = {}): ScopedEntry {
  return {
    source,
    kind: source.includes(":") || /^[0-9./]+$/.test(source) ? "ip" : "fqdn",
    services: ["sip"],
    scope: "FLEET",
    tenantId: null,
    groupName: null,
    serverId: null,
    expiresAt: null,
    ...overrides,
  };
}

const faxService: ServiceDefinition = { id: "fax", name: "T.38 fax", ports: [{ protocol: "udp", from: 4000, to: 4999 }] };

function stateFor(entries: ScopedEntry[], overrides: Partial<EffectiveStateInput> = {}) {
  return effectiveStateForServer({ server: pbx, entries, customServices: [faxService], now: NOW, ...overrides });
}

const sources = (entries: ScopedEntry[]) => stateFor(entries).entries.map((e) => e.source);

describe("which entries reach a server", () => {
  it("a fleet entry reaches every server", () => {
    expect(entryCoversServer(entry("198.51.100.1"), pbx)).toBe(true);
  });

  it("a tenant entry reaches only that tenant's servers", () => {
    expect(entryCoversServer(entry("198.51.100.1", { scope: "TENANT", tenantId: "acme" }), pbx)).toBe(true);
    expect(entryCoversServer(entry("198.51.100.1", { scope: "TENANT", tenantId: "globex" }), pbx)).toBe(false);
  });

  it("a group entry reaches the tenant's servers with that tag, and no other tenant's", () => {
    expect(entryCoversServer(entry("198.51.100.1", { scope: "GROUP", tenantId: "acme", groupName: "london" }), pbx)).toBe(true);
    expect(entryCoversServer(entry("198.51.100.1", { scope: "GROUP", tenantId: "acme", groupName: "paris" }), pbx)).toBe(false);
    expect(entryCoversServer(entry("198.51.100.1", { scope: "GROUP", tenantId: "globex", groupName: "london" }), pbx)).toBe(false);
    expect(entryCoversServer(entry("198.51.100.1", { scope: "GROUP", tenantId: "acme", groupName: null }), pbx)).toBe(false);
  });

  it("a server entry reaches only that server", () => {
    expect(entryCoversServer(entry("198.51.100.1", { scope: "SERVER", serverId: "srv-acme-1" }), pbx)).toBe(true);
    expect(entryCoversServer(entry("198.51.100.1", { scope: "SERVER", serverId: "srv-acme-2" }), pbx)).toBe(false);
  });

  it("the effective state keeps exactly the covering entries", () => {
    expect(
      sources([
        entry("198.51.100.1"),
        entry("198.51.100.2", { scope: "TENANT", tenantId: "acme" }),
        entry("198.51.100.3", { scope: "TENANT", tenantId: "globex" }),
        entry("198.51.100.4", { scope: "GROUP", tenantId: "acme", groupName: "sales" }),
        entry("198.51.100.5", { scope: "GROUP", tenantId: "globex", groupName: "sales" }),
        entry("198.51.100.6", { scope: "SERVER", tenantId: "acme", serverId: "srv-acme-1" }),
        entry("198.51.100.7", { scope: "SERVER", tenantId: "acme", serverId: "srv-acme-2" }),
      ]),
    ).toEqual(["198.51.100.1", "198.51.100.2", "198.51.100.4", "198.51.100.6"]);
  });
});

describe("expiry", () => {
  it("an expired entry vanishes from the effective state; one expiring later stays", () => {
    expect(
      sources([
        entry("198.51.100.1", { expiresAt: EARLIER }),
        entry("198.51.100.2", { expiresAt: NOW }),
        entry("198.51.100.3", { expiresAt: LATER }),
      ]),
    ).toEqual(["198.51.100.3"]);
  });

  it("the sweeper learns when the next entry expires", () => {
    const entries = [
      entry("198.51.100.1", { expiresAt: EARLIER }),
      entry("198.51.100.2", { expiresAt: NOW }),
      entry("198.51.100.3", { expiresAt: new Date("2026-11-24T15:00:00Z") }),
      entry("198.51.100.4", { expiresAt: LATER }),
      entry("198.51.100.5"),
    ];
    expect(nextExpiry(entries, NOW)).toEqual(LATER);
    expect(nextExpiry([entry("198.51.100.5"), entry("198.51.100.1", { expiresAt: EARLIER })], NOW)).toBeNull();
    expect(nextExpiry([], NOW)).toBeNull();
  });
});

describe("the same source from several entries", () => {
  it("is merged into one entry with the union of services, sorted", () => {
    const state = stateFor([
      entry("198.51.100.1", { services: ["sip", "rtp"] }),
      entry("198.51.100.1", { scope: "TENANT", tenantId: "acme", services: ["iax2", "sip"] }),
    ]);
    expect(state.entries).toEqual([{ source: "198.51.100.1", kind: "ip", services: ["iax2", "rtp", "sip"] }]);
  });

  it("allowed for all services absorbs the rest", () => {
    const state = stateFor([entry("198.51.100.1", { services: ["sip"] }), entry("198.51.100.1", { services: ["all", "ssh"] })]);
    expect(state.entries).toEqual([{ source: "198.51.100.1", kind: "ip", services: ["all"] }]);
  });

  it("expired duplicates contribute nothing", () => {
    const state = stateFor([
      entry("198.51.100.1", { services: ["sip"] }),
      entry("198.51.100.1", { services: ["ssh"], expiresAt: EARLIER }),
    ]);
    expect(state.entries[0]?.services).toEqual(["sip"]);
  });
});

describe("the services a server must know", () => {
  it("are every referenced definition plus RTP when media is open, sorted by id", () => {
    const state = stateFor([entry("198.51.100.1", { services: ["ssh", "fax"] }), entry("pbx.example.com", { services: ["sip"] })]);
    expect(state.services.map((service) => service.id)).toEqual(["fax", "rtp", "sip", "ssh"]);
    expect(state.services[0]).toEqual(faxService);
  });

  it("leave RTP out when media is closed and no entry needs it", () => {
    const state = stateFor([entry("198.51.100.1", { services: ["ssh"] })], { server: { ...pbx, mediaOpenToAll: false } });
    expect(state.services.map((service) => service.id)).toEqual(["ssh"]);
    expect(state.policy.mediaOpenToAll).toBe(false);
  });

  it("skip a service nobody defines any more instead of failing the whole server", () => {
    const state = stateFor([entry("198.51.100.1", { services: ["ssh", "deleted-service"] }), entry("198.51.100.2", { services: ["gone"] })]);
    expect(state.entries).toEqual([{ source: "198.51.100.1", kind: "ip", services: ["ssh"] }]);
  });

  it("carry only the model's fields of a custom service", () => {
    const row = { ...faxService, tenantId: "acme", createdAt: NOW } as ServiceDefinition;
    const state = stateFor([entry("198.51.100.1", { services: ["fax"] })], { customServices: [row] });
    expect(state.services[0]).toEqual(faxService);
  });
});

describe("the server's base policy", () => {
  it("carries the primary admin, the LAN ranges (sorted) and the media setting", () => {
    expect(stateFor([]).policy).toEqual({
      mediaOpenToAll: true,
      lanRanges: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
      primaryAdmin: "203.0.113.10",
    });
    expect(stateFor([]).serverId).toBe("srv-acme-1");
  });
});

describe("same intent, same state, same hash", () => {
  const entries = [
    entry("2001:db8::7", { services: ["sip", "rtp"] }),
    entry("198.51.100.1", { services: ["ssh"] }),
    entry("pbx.example.com", { services: ["sip"] }),
    entry("203.0.113.0/24", { scope: "TENANT", tenantId: "acme", services: ["https", "http"] }),
    entry("198.51.100.1", { scope: "SERVER", serverId: "srv-acme-1", services: ["sip"] }),
    entry("10.0.0.0/8", { scope: "GROUP", tenantId: "acme", groupName: "london", services: ["all"] }),
    entry("198.51.100.99", { expiresAt: EARLIER }),
  ];

  function shuffled<T>(items: readonly T[], seed: number): T[] {
    const copy = [...items];
    let state = seed;
    for (let i = copy.length - 1; i > 0; i--) {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      const j = state % (i + 1);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }

  it("sorts entries by kind, then source", () => {
    expect(stateFor(entries).entries.map((e) => `${e.kind} ${e.source}`)).toEqual([
      "fqdn pbx.example.com",
      "ip 10.0.0.0/8",
      "ip 198.51.100.1",
      "ip 2001:db8::7",
      "ip 203.0.113.0/24",
    ]);
  });

  it("hashes identically whatever order the entries, services, tags and LAN ranges come in", () => {
    const reference = hashDesiredState(stateFor(entries));
    expect(reference).toMatch(/^[0-9a-f]{64}$/);
    for (let seed = 1; seed <= 20; seed++) {
      const reordered = shuffled(entries, seed).map((e) => ({ ...e, services: shuffled(e.services, seed) }));
      const server = { ...pbx, tags: shuffled(pbx.tags, seed), lanRanges: shuffled([...pbx.lanRanges, "10.0.0.0/8"], seed) };
      expect(hashDesiredState(stateFor(reordered, { server }))).toBe(reference);
    }
  });

  it("hashes differently when the intent changes", () => {
    const reference = hashDesiredState(stateFor(entries));
    expect(hashDesiredState(stateFor(entries.slice(1)))).not.toBe(reference);
    expect(hashDesiredState(stateFor(entries, { server: { ...pbx, primaryAdminSource: null } }))).not.toBe(reference);
    expect(hashDesiredState(stateFor(entries, { now: new Date("2026-11-24T10:00:00Z") }))).not.toBe(reference);
  });

  it("does not depend on the key order of the objects", () => {
    const state = stateFor(entries);
    const reversedKeys = Object.fromEntries(Object.entries(state).reverse()) as typeof state;
    expect(hashDesiredState(reversedKeys)).toBe(hashDesiredState(state));
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: "x" }], u: undefined })).toBe('{"a":[2,{"c":"x","d":null}],"b":1}');
  });
});
