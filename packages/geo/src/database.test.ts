// A database folder in the real files' format (written by the test kit) answers exactly what its
// rows say; overlapping rows follow one rule for lookups and network lists alike; bad files and
// a folder without a VERSION are refused with the file and line to fix.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GeoDataError, loadGeoDatabase, readGeoDatabaseVersion, type GeoDatabase } from "./index.ts";
import { writeSyntheticGeoDatabase } from "./testing.ts";

let root: string;
let db: GeoDatabase;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "geo-db-"));
  await writeSyntheticGeoDatabase(path.join(root, "small"), {
    version: "synthetic@1",
    country: [
      { from: "198.51.100.0", to: "198.51.100.127", country: "CA" },
      { from: "198.51.100.128", to: "198.51.100.255", country: "CA" },
      { from: "203.0.113.0", to: "203.0.113.255", country: "US" },
      // A more specific row inside the block above, as the npm data has.
      { from: "203.0.113.64", to: "203.0.113.71", country: "MX" },
      { from: "192.0.2.1", to: "192.0.2.6", country: "US" },
      { from: "2001:db8::", to: "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", country: "CA" },
    ],
    asn: [
      { from: "198.51.100.0", to: "198.51.100.255", asn: 64500, org: 'Maple "North", Inc.' },
      { from: "2001:db8::", to: "2001:db8::ffff", asn: 64501, org: "Six Networks" },
    ],
  });
  db = await loadGeoDatabase({ dir: path.join(root, "small") });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("a geo database folder", () => {
  it("places an address in its country and AS, and says null for what it does not know", () => {
    expect(db.version).toBe("synthetic@1");
    expect(db.lookup("198.51.100.200")).toEqual({ country: "CA", asn: 64500, asOrg: 'Maple "North", Inc.' });
    expect(db.lookup("::ffff:198.51.100.7")).toEqual({ country: "CA", asn: 64500, asOrg: 'Maple "North", Inc.' });
    expect(db.lookup("2001:db8::1")).toEqual({ country: "CA", asn: 64501, asOrg: "Six Networks" });
    expect(db.lookup("2001:db8::1:0")).toEqual({ country: "CA", asn: null, asOrg: null });
    expect(db.lookup("203.0.113.9")).toEqual({ country: "US", asn: null, asOrg: null });
    expect(db.lookup("203.0.113.70")).toEqual({ country: "MX", asn: null, asOrg: null });
    expect(db.lookup("8.8.8.8")).toEqual({ country: null, asn: null, asOrg: null });
    for (const bad of ["", "198.51.100.7/32", "not an address", "198.51.100.300"]) expect(db.lookup(bad)).toEqual({ country: null, asn: null, asOrg: null });
  });

  it("lists a country's networks as the fewest CIDRs, IPv4 first, touching rows merged, holes cut out", () => {
    expect(db.countryNetworks("CA")).toEqual(["198.51.100.0/24", "2001:db8::/32"]);
    expect(db.countryNetworks("us")).toEqual(["192.0.2.1/32", "192.0.2.2/31", "192.0.2.4/31", "192.0.2.6/32", "203.0.113.0/26", "203.0.113.72/29", "203.0.113.80/28", "203.0.113.96/27", "203.0.113.128/25"]);
    expect(db.countryNetworks("MX")).toEqual(["203.0.113.64/29"]);
    expect(db.countryNetworks("FR")).toEqual([]);
    expect(db.countryCodes()).toEqual(["CA", "MX", "US"]);
  });

  it("agrees with itself: an address lookup places in a country lies in that country's networks only", () => {
    const holds = (code: string, address: string) => db.countryNetworks(code).some((cidr) => inIpv4Cidr(address, cidr));
    for (let last = 0; last < 256; last++) {
      for (const prefix of ["203.0.113.", "192.0.2.", "198.51.100."]) {
        const address = `${prefix}${last}`;
        const country = db.lookup(address).country;
        for (const code of db.countryCodes()) expect(holds(code, address), `${address} in ${code}`).toBe(code === country);
      }
    }
  });

  it("is loaded once per folder", async () => {
    expect(await loadGeoDatabase({ dir: path.join(root, "small") })).toBe(db);
    expect(await readGeoDatabaseVersion({ dir: path.join(root, "small") })).toBe("synthetic@1");
  });

  it("refuses a folder without a VERSION file, and a malformed row by file and line", async () => {
    const empty = path.join(root, "empty");
    await expect(loadGeoDatabase({ dir: empty })).rejects.toThrow(/has no readable VERSION file/);
    const broken = path.join(root, "broken");
    await writeSyntheticGeoDatabase(broken, { version: "broken@1", country: [{ from: "198.51.100.0", to: "198.51.100.255", country: "CA" }] });
    await writeFile(path.join(broken, "asn-ipv4-num.csv"), "3325256704,3325256959,64500,Fine\n3325256959,3325256704,64500,Backwards\n");
    const failure = loadGeoDatabase({ dir: broken });
    await expect(failure).rejects.toThrow(GeoDataError);
    await expect(failure).rejects.toThrow(/asn-ipv4-num\.csv line 2: the range ends before it starts/);
    await writeFile(path.join(broken, "asn-ipv4-num.csv"), '3325256704,3325256959,64500,"Unclosed\n');
    await expect(loadGeoDatabase({ dir: broken })).rejects.toThrow(/line 1: the organisation opens a quote it does not close/);
    await writeFile(path.join(broken, "geo-whois-asn-country-ipv4-num.csv"), "3325256704,3325256959,Canada\n");
    await expect(loadGeoDatabase({ dir: broken })).rejects.toThrow(/line 1: the country code "Canada" is not a two-letter country code/);
  });
});

function inIpv4Cidr(address: string, cidr: string): boolean {
  const toNumber = (text: string) => text.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const [base = "", prefix = "32"] = cidr.split("/");
  if (base.includes(":")) return false;
  const size = 2 ** (32 - Number(prefix));
  const value = toNumber(address);
  return value >= toNumber(base) && value < toNumber(base) + size;
}
