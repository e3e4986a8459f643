// Where the database comes from: the installed @ip-location-db packages (pinned exactly in the
// workspace catalogue, so a new database is a new Gatehouse release), or a folder given by the
// operator with the same four files and a VERSION file. Loaded on first use, once per folder.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { LoadedGeoDatabase, type GeoDatabase } from "./database.ts";
import { GeoDataError } from "./csv.ts";
import { Interned, IPV4_ROWS, IPV6_ROWS, readAsnFile, readCountryFile, type AutonomousSystem } from "./read-files.ts";
import { packIpv4Ranges, packIpv6Ranges } from "./tables.ts";

export const GEO_FILES = {
  country4: "geo-whois-asn-country-ipv4-num.csv",
  country6: "geo-whois-asn-country-ipv6-num.csv",
  asn4: "asn-ipv4-num.csv",
  asn6: "asn-ipv6-num.csv",
} as const;

export const VERSION_FILE = "VERSION";

interface GeoSource {
  files: Record<keyof typeof GEO_FILES, string>;
  version: () => Promise<string>;
}

async function packageVersion(packageJson: string): Promise<string> {
  const parsed: unknown = JSON.parse(await readFile(packageJson, "utf8"));
  const version = (parsed as { version?: unknown }).version;
  if (typeof version !== "string") throw new GeoDataError(`${packageJson} has no version`);
  return version;
}

function installedPackages(): { country: string; asn: string } {
  const require = createRequire(import.meta.url);
  return { country: require.resolve("@ip-location-db/geo-whois-asn-country/package.json"), asn: require.resolve("@ip-location-db/asn/package.json") };
}

/** Where the four files of the installed npm packages are. */
export function installedGeoFiles(): Record<keyof typeof GEO_FILES, string> {
  const { country, asn } = installedPackages();
  const inCountry = (file: string) => path.join(path.dirname(country), file);
  const inAsn = (file: string) => path.join(path.dirname(asn), file);
  return { country4: inCountry(GEO_FILES.country4), country6: inCountry(GEO_FILES.country6), asn4: inAsn(GEO_FILES.asn4), asn6: inAsn(GEO_FILES.asn6) };
}

function installedSource(): GeoSource {
  const { country, asn } = installedPackages();
  return {
    files: installedGeoFiles(),
    version: async () => `geo-whois-asn-country@${await packageVersion(country)}+asn@${await packageVersion(asn)}`,
  };
}

function folderSource(dir: string): GeoSource {
  const inDir = (file: string) => path.join(dir, file);
  return {
    files: { country4: inDir(GEO_FILES.country4), country6: inDir(GEO_FILES.country6), asn4: inDir(GEO_FILES.asn4), asn6: inDir(GEO_FILES.asn6) },
    version: async () => {
      const file = inDir(VERSION_FILE);
      const text = await readFile(file, "utf8").catch((error: unknown) => {
        throw new GeoDataError(`the geo database folder ${dir} has no readable ${VERSION_FILE} file (${(error as Error).message})`);
      });
      const version = text.trim();
      if (version === "" || version.includes("\n")) throw new GeoDataError(`${file} must hold one line naming the database's version`);
      return version;
    },
  };
}

function sourceOf(dir: string | undefined): GeoSource {
  return dir === undefined ? installedSource() : folderSource(dir);
}

async function readWhole(file: string): Promise<Buffer> {
  // One file at a time, whole (at most ~21 MB): far faster than a line stream, and freed before the next.
  return readFile(file).catch((error: unknown) => {
    throw new GeoDataError(`cannot read the geo database file ${file}: ${(error as Error).message}`);
  });
}

async function load(source: GeoSource): Promise<GeoDatabase> {
  const version = await source.version();
  const codes = new Interned<number, string>();
  const systems = new Interned<number, AutonomousSystem>();
  const orgs = new Interned<string, string>();
  const { files } = source;
  const country4 = readCountryFile(await readWhole(files.country4), files.country4, IPV4_ROWS, codes);
  const country6 = readCountryFile(await readWhole(files.country6), files.country6, IPV6_ROWS, codes);
  const asn4 = readAsnFile(await readWhole(files.asn4), files.asn4, IPV4_ROWS, systems, orgs);
  const asn6 = readAsnFile(await readWhole(files.asn6), files.asn6, IPV6_ROWS, systems, orgs);
  return new LoadedGeoDatabase({
    version,
    countries: { 4: packIpv4Ranges(country4, true), 6: packIpv6Ranges(country6, true) },
    systems: { 4: packIpv4Ranges(asn4, false), 6: packIpv6Ranges(asn6, false) },
    codes: codes.items,
    autonomousSystems: systems.items,
    orgs: orgs.items,
  });
}

const loaded = new Map<string, Promise<GeoDatabase>>();

/** Loads from `dir` when given (a folder holding the four *-num.csv files of the same format plus a VERSION file), else from the installed npm packages. Lazy and cached per dir. */
export function loadGeoDatabase(options: { dir?: string } = {}): Promise<GeoDatabase> {
  const key = options.dir === undefined ? "" : path.resolve(options.dir);
  let database = loaded.get(key);
  if (database === undefined) {
    database = load(sourceOf(options.dir === undefined ? undefined : key));
    loaded.set(key, database);
    // A failed load is not kept: the next call reads the files again.
    database.catch(() => loaded.delete(key));
  }
  return database;
}

/** The version loadGeoDatabase would report for the same options, read without loading the data. */
export function readGeoDatabaseVersion(options: { dir?: string } = {}): Promise<string> {
  return sourceOf(options.dir === undefined ? undefined : path.resolve(options.dir)).version();
}
