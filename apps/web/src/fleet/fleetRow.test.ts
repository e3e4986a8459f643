import { describe, expect, it } from "vitest";
import { filterFleet, problemsOf, sortFleet, summarise, type FleetRow } from "./fleetRow.ts";

const now = new Date("2026-03-01T12:00:00Z");

function server(name: string, overrides: Partial<FleetRow> = {}): FleetRow {
  return {
    id: name,
    name,
    tenantId: "acme",
    tenantName: "Acme",
    provider: "vultr",
    tags: [],
    primaryAdminSource: "203.0.113.10",
    enrolled: true,
    revoked: false,
    online: true,
    desiredRevision: 4,
    appliedRevision: 4,
    lastDriftAt: null,
    unresolved: [],
    errors: [],
    lastSeenAt: now.toISOString(),
    ...overrides,
  };
}

describe("the fleet overview's problem count", () => {
  it("a healthy enrolled server, and one still awaiting enrollment, have no problems", () => {
    expect(problemsOf(server("ok"), now)).toEqual([]);
    expect(problemsOf(server("new", { enrolled: false, online: false, appliedRevision: null }), now)).toEqual([]);
  });

  it("names each thing wrong with a server", () => {
    const troubled = server("bad", {
      online: false,
      appliedRevision: 3,
      lastDriftAt: "2026-03-01T11:00:00Z",
      unresolved: [{ fqdn: "sip.example.com", error: "SERVFAIL" }],
      errors: ["ipset restore failed"],
    });
    expect(problemsOf(troubled, now)).toEqual(["offline", "not at desired revision", "drift repaired", "unresolved FQDNs", "agent errors"]);
  });

  it("drift repaired more than a day ago no longer counts", () => {
    expect(problemsOf(server("old-drift", { lastDriftAt: "2026-02-27T12:00:00Z" }), now)).toEqual([]);
  });

  it("counts servers, not problems, and filters by tenant, tag and status", () => {
    const rows = [
      server("a", { tags: ["nyc"] }),
      server("b", { online: false, tags: ["nyc"] }),
      server("c", { tenantId: "bravo", unresolved: [{ fqdn: "x.example", error: "NXDOMAIN" }], appliedRevision: 1 }),
      server("d", { enrolled: false, online: false, appliedRevision: null }),
    ];
    expect(summarise(rows, now)).toEqual({ servers: 4, online: 2, offline: 1, pending: 1, problems: 2 });
    const names = (filters: Parameters<typeof filterFleet>[1]) => filterFleet(rows, filters, now).map((r) => r.name);
    expect(names({ tenantId: "", tag: "nyc", status: "all" })).toEqual(["a", "b"]);
    expect(names({ tenantId: "bravo", tag: "", status: "all" })).toEqual(["c"]);
    expect(names({ tenantId: "", tag: "", status: "problems" })).toEqual(["b", "c"]);
    expect(names({ tenantId: "", tag: "", status: "pending" })).toEqual(["d"]);
    expect(names({ tenantId: "", tag: "", status: "behind" })).toEqual(["c"]);
  });
});

describe("searching and sorting the fleet", () => {
  const rows = [
    server("pbx-nyc-10", { lastSeenAt: "2026-03-01T11:00:00Z" }),
    server("pbx-nyc-2", { lastSeenAt: "2026-03-01T11:59:00Z", online: false }),
    server("PBX-LAX-1", { lastSeenAt: null, enrolled: false, online: false }),
    server("pbx-ams-1", { lastSeenAt: "2026-03-01T11:30:00Z", online: false, unresolved: [{ fqdn: "x.example", error: "NXDOMAIN" }] }),
  ];
  const names = (list: FleetRow[]) => list.map((r) => r.name);

  it("finds servers by part of the name, whatever its case", () => {
    expect(names(filterFleet(rows, { tenantId: "", tag: "", status: "all", search: "nyc" }, now))).toEqual(["pbx-nyc-10", "pbx-nyc-2"]);
    expect(names(filterFleet(rows, { tenantId: "", tag: "", status: "all", search: " lax " }, now))).toEqual(["PBX-LAX-1"]);
    expect(filterFleet(rows, { tenantId: "", tag: "", status: "all", search: "sfo" }, now)).toEqual([]);
  });

  it("sorts by name (numbers in order), by last seen (newest first, never seen last) and by problems (most first)", () => {
    expect(names(sortFleet(rows, "name", now))).toEqual(["pbx-ams-1", "PBX-LAX-1", "pbx-nyc-2", "pbx-nyc-10"]);
    expect(names(sortFleet(rows, "last-seen", now))).toEqual(["pbx-nyc-2", "pbx-ams-1", "pbx-nyc-10", "PBX-LAX-1"]);
    expect(names(sortFleet(rows, "problems", now))).toEqual(["pbx-ams-1", "pbx-nyc-2", "PBX-LAX-1", "pbx-nyc-10"]);
    expect(names(rows)).toEqual(["pbx-nyc-10", "pbx-nyc-2", "PBX-LAX-1", "pbx-ams-1"]); // the input is left as it was
  });
});
