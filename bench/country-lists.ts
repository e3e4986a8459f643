// The country allowlists the country-set benches enforce, taken from the real database the
// product ships (@gatehouse/geo over @ip-location-db), and the changes a delta apply gets.
import { loadGeoDatabase, type GeoDatabase } from "../packages/geo/src/index.ts";

/** An MSP with customers in North America, Western Europe, the Nordics and Oceania. */
const TWENTY_COUNTRIES = ["US", "CA", "GB", "IE", "FR", "DE", "NL", "BE", "ES", "IT", "PT", "CH", "AT", "SE", "NO", "DK", "FI", "AU", "NZ", "MX"];

/** Countries outside every list here: the networks a changed list gains come from them. */
const OUTSIDE_COUNTRIES = ["BR", "JP", "IN", "KR", "AR", "ZA"];

export interface CountryList {
  name: string;
  codes: string[];
  /** Every network of the countries, canonical CIDRs, IPv4 then IPv6 within each country. */
  networks: string[];
}

export interface CountryLists {
  version: string;
  lists: CountryList[];
  /** Networks of OUTSIDE_COUNTRIES by family, for the additions of a change. */
  outside: { v4: readonly string[]; v6: readonly string[] };
}

function networksOf(db: GeoDatabase, codes: readonly string[]): string[] {
  return codes.flatMap((code) => db.countryNetworks(code));
}

export async function loadCountryLists(): Promise<CountryLists> {
  const db = await loadGeoDatabase();
  const outside = networksOf(db, OUTSIDE_COUNTRIES);
  return {
    version: db.version,
    lists: [
      { name: "US", codes: ["US"], networks: networksOf(db, ["US"]) },
      { name: "20 countries", codes: TWENTY_COUNTRIES, networks: networksOf(db, TWENTY_COUNTRIES) },
    ],
    outside: { v4: outside.filter((network) => !network.includes(":")), v6: outside.filter((network) => network.includes(":")) },
  };
}

/**
 * The list with `count` networks gone and as many others of the same families added, as a new
 * database changes a country: the removed are spread over the list (a different offset each
 * round), the added come from countries outside it (a different slice each round).
 */
export function withChangedNetworks(list: readonly string[], outside: CountryLists["outside"], count: number, round: number): string[] {
  const step = Math.max(1, Math.floor(list.length / count));
  const kept: string[] = [];
  const removed = { v4: 0, v6: 0 };
  list.forEach((network, index) => {
    if (index % step !== round % step || removed.v4 + removed.v6 >= count) kept.push(network);
    else removed[network.includes(":") ? "v6" : "v4"]++;
  });
  const added = (["v4", "v6"] as const).flatMap((family) => {
    const pool = outside[family];
    if (pool.length < removed[family]) throw new Error(`only ${pool.length} IPv${family.slice(1)} networks outside the list, ${removed[family]} needed`);
    const start = (round * removed[family]) % (pool.length - removed[family] + 1);
    return pool.slice(start, start + removed[family]);
  });
  return [...kept, ...added];
}
