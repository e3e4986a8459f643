// The database shipped through npm: its version is the two packages' versions, and well-known
// addresses land where everyone knows them to be (the data is pinned, so these hold until the
// pin moves).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadGeoDatabase } from "./index.ts";

const require = createRequire(import.meta.url);
const versionOf = async (name: string) => (JSON.parse(await readFile(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;

describe("the installed ip-location-db database", () => {
  it("loads with its packages' versions and answers for well-known addresses", async () => {
    const db = await loadGeoDatabase();
    expect(db.version).toBe(`geo-whois-asn-country@${await versionOf("@ip-location-db/geo-whois-asn-country")}+asn@${await versionOf("@ip-location-db/asn")}`);
    expect(db.lookup("8.8.8.8")).toEqual({ country: "US", asn: 15169, asOrg: "Google LLC" });
    expect(db.lookup("2001:4860:4860::8888")).toMatchObject({ country: "US", asn: 15169 });
    expect(db.countryCodes()).toContain("CA");
    expect(db.countryCodes().length).toBeGreaterThan(200);
    const liechtenstein = db.countryNetworks("LI");
    expect(liechtenstein.length).toBeGreaterThan(10);
    // Every network's first address is placed in the country whose list it is on.
    for (const cidr of liechtenstein) expect(db.lookup(cidr.split("/")[0]!).country, cidr).toBe("LI");
  });
});
