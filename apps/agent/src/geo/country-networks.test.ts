import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DesiredState } from "@gatehouse/core";
import { CountryNetworks } from "./country-networks.ts";

const logger = pino({ level: "silent" });
const VERSION = "geo-whois-asn-country@2.3.2026061719+asn@2.3.2026061719";

function stateWith(countries: string[], version = VERSION): DesiredState {
  return {
    serverId: "srv-1",
    policy: { mediaOpenToAll: false, lanRanges: [], primaryAdmin: null },
    services: [],
    entries: [...countries.map((code) => ({ source: `country:${code}`, kind: "country" as const, services: ["sip"] })), { source: "203.0.113.7", kind: "ip" as const, services: ["ssh"] }],
    geo: { version },
  };
}

describe("the agent's country networks", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "country-networks-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("asks once per session for each country it lacks, and again after a reconnect", () => {
    const store = new CountryNetworks(dir, logger);
    const state = stateWith(["US", "CA"]);
    expect(store.requests(state)).toEqual([
      { type: "country-networks-request", country: "CA", version: VERSION },
      { type: "country-networks-request", country: "US", version: VERSION },
    ]);
    expect(store.requests(state)).toEqual([]);
    store.sessionEnded();
    expect(store.requests(state)).toHaveLength(2);
  });

  it("a new state waits for its countries' answers, and not at all for a request that could not be sent", async () => {
    const store = new CountryNetworks(dir, logger);
    // Waiting out a minute here would fail the test (vitest's 5 s): nothing was sent, nothing is awaited.
    await store.fetchMissing(stateWith(["CA"]), () => false, 60_000);
    const sent: string[] = [];
    const waiting = store.fetchMissing(stateWith(["CA"]), (request) => sent.push(request.country) > 0, 60_000);
    await store.received({ type: "country-networks", country: "CA", version: VERSION, networks: ["198.51.100.0/24"] });
    await waiting;
    expect(sent).toEqual(["CA"]);
    expect(store.networksFor(stateWith(["CA"])).get("country:CA")).toEqual(["198.51.100.0/24"]);
  });

  it("allows nothing for a country until its networks arrive, and says so", () => {
    const store = new CountryNetworks(dir, logger);
    expect(store.networksFor(stateWith(["CA"]))).toEqual(new Map());
    expect(store.waiting(stateWith(["CA"]))).toEqual([{ fqdn: "country:CA", error: expect.stringContaining("have not arrived from the control plane yet; the entry allows nothing until they do") }]);
  });

  it("keeps what the hub sends on disk, in canonical form, without what can be no peer's network; a new agent reads it back", async () => {
    const store = new CountryNetworks(dir, logger);
    const networks = ["198.51.100.0/24", "2001:DB8:CA:0::/48", "127.0.0.0/8", "0.0.0.0/0", "not-a-network", "country:RU"];
    expect(await store.received({ type: "country-networks", country: "CA", version: VERSION, networks })).toBe(true);
    const expected = new Map([["country:CA", ["198.51.100.0/24", "2001:db8:ca::/48"]]]);
    expect(store.networksFor(stateWith(["CA"]))).toEqual(expected);
    expect(store.waiting(stateWith(["CA"]))).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, "countries", VERSION, "CA.json"), "utf8"))).toMatchObject({ networks: expected.get("country:CA") });

    const restarted = new CountryNetworks(dir, logger);
    expect(await restarted.load(stateWith(["CA"]))).toBe(true);
    expect(restarted.networksFor(stateWith(["CA"]))).toEqual(expected);
    expect(restarted.networksFor(stateWith(["CA"], "synthetic@2"))).toEqual(new Map());
  });

  it("reports the hub's refusal, and ignores a list on disk that does not read back", async () => {
    const store = new CountryNetworks(dir, logger);
    expect(await store.received({ type: "country-networks", country: "CA", version: VERSION, networks: [], error: "this control plane has geo database X" })).toBe(false);
    expect(store.waiting(stateWith(["CA"]))[0]?.error).toContain("could not give the networks of CA: this control plane has geo database X");
    const path = join(dir, "countries", VERSION);
    await mkdir(path, { recursive: true });
    await writeFile(join(path, "US.json"), "{ not json");
    expect(await store.load(stateWith(["US"]))).toBe(false);
  });
});
