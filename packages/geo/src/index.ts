// Country and AS of any address, and every network of a country, from the ip-location-db data
// shipped through npm (nothing is downloaded at run time). docs/geo.md has the licences, the
// attribution to show, the data's known faults and how to move to a newer database.
export type { GeoAnswer, GeoDatabase } from "./database.ts";
export { GeoDataError } from "./csv.ts";
export { GEO_FILES, installedGeoFiles, loadGeoDatabase, readGeoDatabaseVersion, VERSION_FILE } from "./load.ts";

/** What the console and the CLI show wherever a country or an AS from the database appears (CC BY 4.0 asks for it). */
export const GEO_ATTRIBUTION =
  "Country and AS data: ip-location-db (sapics) from RIR WHOIS and delegation data by the NRO (nro.net), GeoFeed, RouteViews (routeviews.org) and DB-IP's IP to ASN Lite (IP Geolocation by DB-IP, https://db-ip.com), under CC BY 4.0.";
