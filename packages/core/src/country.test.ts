import { describe, expect, it } from "vitest";
import { checkCountryServices, countryCodeOf, countryEntryWarnings } from "./country.ts";
import { effectiveStateForServer, hashDesiredState, type ScopedEntry, type ServerForState } from "./desired-state.ts";
import { GatehouseError } from "./errors.ts";
import { explainAddress } from "./explain.ts";
import { parseImportLines } from "./import-lines.ts";
import { parsePresetHosts } from "./preset-hosts.ts";
import { resolveDesiredState } from "./resolve.ts";
import { parseAdminSource } from "./source-rules.ts";
import { parseSource } from "./source.ts";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return (error as Error).message;
  }
  throw new Error("it was accepted");
}

const NOW = new Date("2026-12-01T12:00:00Z");
const pbx: ServerForState = { id: "srv-1", tenantId: "acme", tags: [], primaryAdminSource: null, lanRanges: [], mediaOpenToAll: false };

function scoped(source: string, kind: ScopedEntry["kind"], services: string[]): ScopedEntry {
  return { source, kind, services, scope: "SERVER", tenantId: "acme", groupName: null, serverId: pbx.id, expiresAt: null };
}

describe("an operator allows a country (country:XX)", () => {
  it("gets the code back upper-cased, whatever case and spaces were typed", () => {
    expect(parseSource("  Country:ca ")).toEqual({ kind: "country", canonical: "country:CA", country: "CA" });
    expect(countryCodeOf("country:CA")).toBe("CA");
    expect(countryCodeOf("198.51.100.7")).toBeNull();
  });

  it("is told what to write when the code is missing or not two letters", () => {
    expect(refusal(() => parseSource("country:"))).toBe("country: names no country: write its two-letter ISO code after country:, like country:CA");
    expect(refusal(() => parseSource("country:CAN"))).toBe("country:CAN is not a country: write the two-letter ISO 3166-1 code, like country:CA or country:US");
    expect(refusal(() => parseSource("country:1A"))).toContain("is not a country");
    expect(refusal(() => parseSource("country:C A"))).toContain("is not a country");
  });

  it("cannot make a country a server's primary admin source or a preset's host", () => {
    expect(refusal(() => parseAdminSource("country:CA"))).toBe("country:CA is a country; the primary admin source is one address, range or host name");
    expect(refusal(() => parsePresetHosts(["sip.example.net", "country:US"]))).toBe("host 2: country:US is a country; a preset lists a provider's hosts (allow a country with an entry)");
  });
});

describe("SSH is never opened by country unless chosen", () => {
  it("refuses all, which includes SSH, and says to choose the services", () => {
    expect(refusal(() => checkCountryServices("country:CA", ["all"]))).toBe(
      'choose the services for country:CA: a country entry never covers SSH unless you pick ssh, so "all" is refused (e.g. sip,rtp)',
    );
  });

  it("takes ssh named on its own, with a warning about SSH on top of the one about inexact lists", () => {
    expect(() => checkCountryServices("country:CA", ["ssh", "sip"])).not.toThrow();
    const warnings = countryEntryWarnings("country:CA", ["sip", "ssh"]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("country lists are never exact");
    expect(warnings[1]).toContain("opens SSH to a whole country");
    expect(countryEntryWarnings("country:CA", ["sip", "rtp"])).toEqual([warnings[0]]);
  });

  it("holds for a bulk import line too", () => {
    const [line] = parseImportLines("country:RU, all, from a spreadsheet", { now: NOW });
    expect(line).toMatchObject({ ok: false, message: expect.stringContaining("never covers SSH") });
    const [ok] = parseImportLines("country:ca, sip rtp", { now: NOW });
    expect(ok).toMatchObject({ ok: true, draft: { source: { canonical: "country:CA" }, services: ["sip", "rtp"] } });
  });
});

describe("a desired state with country entries", () => {
  const entries = [scoped("country:CA", "country", ["sip"]), scoped("203.0.113.7", "ip", ["ssh"])];

  it("names the geo database version, and a new version is a new hash", () => {
    const state = effectiveStateForServer({ server: pbx, entries, customServices: [], now: NOW, geoVersion: "2026061719" });
    expect(state.geo).toEqual({ version: "2026061719" });
    expect(state.entries).toEqual([
      { source: "country:CA", kind: "country", services: ["sip"] },
      { source: "203.0.113.7", kind: "ip", services: ["ssh"] },
    ]);
    const upgraded = effectiveStateForServer({ server: pbx, entries, customServices: [], now: NOW, geoVersion: "2026070100" });
    expect(hashDesiredState(upgraded)).not.toBe(hashDesiredState(state));
  });

  it("leaves the version out when no entry is a country, so a database upgrade leaves that server alone", () => {
    const state = effectiveStateForServer({ server: pbx, entries: [entries[1] as ScopedEntry], customServices: [], now: NOW, geoVersion: "2026061719" });
    expect(state.geo).toBeUndefined();
  });

  it("resolves a country to its networks, and allows nothing for it until they arrive (reported unresolved)", () => {
    const state = effectiveStateForServer({ server: pbx, entries, customServices: [], now: NOW, geoVersion: "1" });
    const waiting = resolveDesiredState(state, new Map());
    expect(waiting.unresolved).toEqual(["country:CA"]);
    expect(waiting.resolved.allow).toEqual([{ address: "203.0.113.7", services: ["ssh"] }]);

    const resolved = resolveDesiredState(state, new Map(), new Map([["country:CA", ["198.51.100.0/24", "2001:db8:ca::/48"]]]));
    expect(resolved.unresolved).toEqual([]);
    expect(resolved.resolved.allow).toEqual([
      { address: "198.51.100.0/24", services: ["sip"] },
      { address: "2001:db8:ca::/48", services: ["sip"] },
      { address: "203.0.113.7", services: ["ssh"] },
    ]);
  });
});

describe("explaining an address in a country", () => {
  const countries = new Map([["198.51.100.7", "CA"], ["203.0.113.9", "RU"]]);
  const entry = { ...scoped("country:CA", "country", ["sip"]), id: "e-ca", origin: "OPERATOR" as const, comment: "Canadian offices", travelerGrantId: null, preset: null };
  const explain = (address: string) =>
    explainAddress({ server: pbx, entries: [entry], customServices: [], fqdnAnswers: new Map(), address, now: NOW, countryOf: (seen) => countries.get(seen) ?? null });

  it("names the country entry for an address the database places there, for its services", () => {
    const inside = explain("198.51.100.7");
    expect(inside.dropped).toBe(false);
    expect(inside.allows).toEqual([expect.objectContaining({ kind: "entry", entryId: "e-ca", source: "country:CA", services: ["sip"] })]);
  });

  it("drops an address of another country, or of none", () => {
    expect(explain("203.0.113.9").dropped).toBe(true);
    expect(explain("192.0.2.1").dropped).toBe(true);
  });
});
