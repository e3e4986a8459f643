import { describe, expect, it } from "vitest";
import type { ServerForState } from "./desired-state.ts";
import { explainAddress, kernelVerdicts, type ExplainEntry, type ExplainInput } from "./explain.ts";
import { GatehouseError } from "./errors.ts";

const NOW = new Date("2026-12-01T12:00:00Z");
const LATER = new Date("2026-12-01T18:00:00Z");
const EARLIER = new Date("2026-12-01T11:00:00Z");

const pbx: ServerForState = {
  id: "srv-acme-1",
  tenantId: "acme",
  tags: ["london"],
  primaryAdminSource: "198.51.100.10",
  lanRanges: ["10.0.0.0/8", "192.168.0.0/16"],
  mediaOpenToAll: false,
};

function entry(id: string, source: string, overrides: Partial<ExplainEntry> = {}): ExplainEntry {
  return {
    id,
    source,
    kind: /^[0-9a-f:./]+$/.test(source) ? "ip" : "fqdn",
    services: ["sip"],
    scope: "SERVER",
    tenantId: "acme",
    groupName: null,
    serverId: pbx.id,
    expiresAt: null,
    origin: "OPERATOR",
    comment: "",
    travelerGrantId: null,
    preset: null,
    ...overrides,
  };
}

function explain(address: string, entries: ExplainEntry[], overrides: Partial<ExplainInput> = {}) {
  return explainAddress({ server: pbx, entries, customServices: [], fqdnAnswers: new Map(), address, now: NOW, ...overrides });
}

const verdict = (result: ReturnType<typeof explain>, service: string) => result.services.find((row) => row.service === service);

describe("explaining one address on one server", () => {
  it("a CIDR entry allows the addresses inside it, for its services only, and not its neighbours", () => {
    const entries = [entry("e1", "203.0.113.0/28", { services: ["sip", "iax2"], comment: "office" })];
    const inside = explain("203.0.113.7", entries);
    expect(inside.dropped).toBe(false);
    expect(inside.allows).toEqual([expect.objectContaining({ kind: "entry", entryId: "e1", comment: "office", services: ["iax2", "sip"], scope: { kind: "SERVER", serverId: pbx.id } })]);
    expect(verdict(inside, "sip")?.allowedBy).toEqual([0]);
    expect(verdict(inside, "iax2")?.allowedBy).toEqual([0]);
    const outside = explain("203.0.113.16", entries);
    expect(outside.dropped).toBe(true);
    expect(outside.allows).toEqual([]);
    expect(verdict(outside, "sip")?.allowedBy).toEqual([]);
  });

  it("an IPv6 address is matched against IPv6 ranges only", () => {
    const entries = [entry("v4", "203.0.113.0/24"), entry("v6", "2001:db8:1::/48")];
    expect(explain("2001:db8:1::5", entries).allows.map((allow) => allow.kind === "entry" && allow.entryId)).toEqual(["v6"]);
    expect(explain("2001:db8:2::5", entries).dropped).toBe(true);
  });

  it("an entry of another tenant or another group does not count", () => {
    const entries = [entry("other", "203.0.113.7", { scope: "TENANT", tenantId: "globex", serverId: null }), entry("group", "203.0.113.7", { scope: "GROUP", groupName: "paris", serverId: null })];
    expect(explain("203.0.113.7", entries).dropped).toBe(true);
  });

  it("an expired grant allows nothing and is named as expired; a live one says until when", () => {
    const grant = { origin: "TRAVELER" as const, travelerGrantId: "g1", services: ["sip", "rtp"] };
    const ended = explain("203.0.113.7", [entry("old", "203.0.113.7", { ...grant, expiresAt: EARLIER })]);
    expect(ended.dropped).toBe(true);
    expect(ended.expired).toEqual([{ entryId: "old", source: "203.0.113.7", expiresAt: EARLIER }]);
    const live = explain("203.0.113.7", [entry("new", "203.0.113.7", { ...grant, expiresAt: LATER })]);
    expect(live.allows[0]).toMatchObject({ kind: "entry", origin: "TRAVELER", travelerGrantId: "g1", expiresAt: LATER });
    expect(verdict(live, "rtp")?.until).toEqual(LATER);
  });

  it("a permanent allowance beside a grant makes the service allowed without end", () => {
    const entries = [entry("grant", "203.0.113.7", { expiresAt: LATER }), entry("office", "203.0.113.0/24")];
    expect(verdict(explain("203.0.113.7", entries), "sip")).toMatchObject({ allowedBy: [0, 1], until: null });
  });

  it("a LAN range and the primary admin allow every service", () => {
    const lan = explain("192.168.4.20", []);
    expect(lan.allows).toEqual([{ kind: "lan", range: "192.168.0.0/16", services: ["all"] }]);
    expect(verdict(lan, "all")?.allowedBy).toEqual([0]);
    const admin = explain("198.51.100.10", [entry("e", "203.0.113.7")]);
    expect(admin.allows).toEqual([{ kind: "primaryAdmin", source: "198.51.100.10", services: ["all"], via: null }]);
    expect(verdict(admin, "sip")?.allowedBy).toEqual([0]);
  });

  it("RTP open to all is named for RTP, and the address is still dropped on everything else", () => {
    const result = explain("203.0.113.99", [entry("e", "198.51.100.0/24")], { server: { ...pbx, mediaOpenToAll: true } });
    expect(result.dropped).toBe(true);
    expect(verdict(result, "rtp")?.allowedBy).toEqual([0]);
    expect(result.allows[0]).toEqual({ kind: "mediaOpenToAll", services: ["rtp"] });
    expect(verdict(result, "sip")?.allowedBy).toEqual([]);
  });

  it("an FQDN entry matches through the agent's last answer and says so; without an answer it matches nothing", () => {
    const entries = [entry("dyn", "home.example.net", { services: ["all"] })];
    const answers = new Map([["home.example.net", { addresses: ["203.0.113.7"], resolvedAt: EARLIER }]]);
    const matched = explain("203.0.113.7", entries, { fqdnAnswers: answers });
    expect(matched.allows[0]).toMatchObject({ kind: "entry", entryId: "dyn", via: { fqdn: "home.example.net", resolvedAt: EARLIER } });
    expect(explain("203.0.113.7", entries).dropped).toBe(true);
  });

  it("a provider preset's host is named by the preset", () => {
    const entries = [entry("preset:voipms:host", "208.100.60.0/24", { origin: "PROVIDER", preset: { id: "voipms", name: "VoIP.ms" }, scope: "TENANT", serverId: null })];
    expect(explain("208.100.60.9", entries).allows).toEqual([{ kind: "preset", presetId: "voipms", name: "VoIP.ms", source: "208.100.60.0/24", services: ["sip"], via: null }]);
  });

  it("a service nobody knows any more (a deleted custom service) allows nothing", () => {
    expect(explain("203.0.113.7", [entry("e", "203.0.113.7", { services: ["gone"] })]).dropped).toBe(true);
  });

  it("refuses what is not one address, with the parser's words", () => {
    for (const bad of ["203.0.113.0/24", "pbx.example.com", "203.0.113.300", "1.2.3.4; rm -rf /"]) {
      expect(() => explain(bad, [])).toThrow(GatehouseError);
    }
    expect(() => explain("203.0.113.300", [])).toThrow(/203\.0\.113\.300/);
  });
});

describe("comparing with the agent's kernel answer", () => {
  it("agrees when the service's set (or an everything set) holds the address, and names the service where it does not", () => {
    const result = explain("203.0.113.7", [entry("e", "203.0.113.7", { services: ["sip"] })], { server: { ...pbx, mediaOpenToAll: true } });
    const agreeing = kernelVerdicts(result, new Map([["sip", true], ["lan", false]]));
    expect(agreeing.find((row) => row.service === "sip")).toEqual({ service: "sip", stored: true, kernel: true });
    expect(agreeing.find((row) => row.service === "rtp")).toEqual({ service: "rtp", stored: true, kernel: true });
    const stale = kernelVerdicts(result, new Map([["sip", false]]));
    expect(stale.find((row) => row.service === "sip")).toEqual({ service: "sip", stored: true, kernel: false });
    const admin = kernelVerdicts(explain("198.51.100.10", []), new Map([["admin", true]]));
    expect(admin.every((row) => row.stored && row.kernel)).toBe(true);
  });
});
