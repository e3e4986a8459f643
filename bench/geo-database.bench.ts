// The geo database the control plane loads (@gatehouse/geo over the ip-location-db npm data):
// how long a load takes and what it keeps in memory, how many lookups a second it answers, and
// how long the country lists take the first time they are asked for (they are cached after).
// The 20-country list is timed on a second, fresh copy (the same files through a folder of
// links), so the US inside it is not already cached.
//   npx tsx bench/geo-database.bench.ts [lookups]
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { GEO_FILES, installedGeoFiles, loadGeoDatabase, type GeoDatabase } from "../packages/geo/src/index.ts";

const TWENTY_COUNTRIES = ["US", "CA", "GB", "IE", "FR", "DE", "NL", "BE", "ES", "IT", "PT", "CH", "AT", "SE", "NO", "DK", "FI", "AU", "NZ", "MX"];
const MB = 1024 * 1024;

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

async function timedAsync<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

function randomIpv4(): string {
  return Array.from({ length: 4 }, () => Math.floor(Math.random() * 256)).join(".");
}

/** Inside 2000::/4, where most of the allocated IPv6 space is. */
function randomIpv6(): string {
  const group = () => Math.floor(Math.random() * 0x10000).toString(16);
  return [(0x2000 + Math.floor(Math.random() * 0x1000)).toString(16), ...Array.from({ length: 7 }, group)].join(":");
}

function lookupsPerSecond(db: GeoDatabase, addresses: readonly string[]): { perSecond: number; placed: number } {
  let placed = 0;
  const { ms } = timed(() => {
    for (const address of addresses) if (db.lookup(address).country !== null) placed++;
  });
  return { perSecond: Math.round(addresses.length / (ms / 1000)), placed };
}

/** A folder holding links to the npm files and their VERSION: the same data, loaded as a second copy. */
async function linkedCopy(version: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "geo-bench-"));
  const installed = installedGeoFiles();
  for (const [file, name] of Object.entries(GEO_FILES) as Array<[keyof typeof GEO_FILES, string]>) await symlink(installed[file], path.join(dir, name));
  await writeFile(path.join(dir, "VERSION"), `${version}\n`);
  return dir;
}

export async function main(lookups = 200_000): Promise<void> {
  collectGarbage();
  const before = process.memoryUsage();
  const cpuBefore = process.cpuUsage();
  const load = await timedAsync(() => loadGeoDatabase());
  const cpu = process.cpuUsage(cpuBefore);
  const db = load.value;
  collectGarbage();
  const after = process.memoryUsage();

  const ipv4 = lookupsPerSecond(db, Array.from({ length: lookups }, randomIpv4));
  const ipv6 = lookupsPerSecond(db, Array.from({ length: lookups }, randomIpv6));
  const us = timed(() => db.countryNetworks("US"));
  const usAgain = timed(() => db.countryNetworks("US"));

  const copyDir = await linkedCopy(db.version);
  try {
    const copy = await loadGeoDatabase({ dir: copyDir });
    const twenty = timed(() => TWENTY_COUNTRIES.reduce((count, code) => count + copy.countryNetworks(code).length, 0));
    console.log(`geo database ${db.version}: ${db.countryCodes().length} countries`);
    console.table([
      { measure: "load (4 files, ~58 MB of CSV)", value: `${load.ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU` },
      { measure: "heap kept after load (after GC)", value: `${((after.heapUsed - before.heapUsed) / MB).toFixed(1)} MB` },
      { measure: "typed arrays kept (array buffers)", value: `${((after.arrayBuffers - before.arrayBuffers) / MB).toFixed(1)} MB` },
      { measure: "RSS after load", value: `${(after.rss / MB).toFixed(0)} MB (from ${(before.rss / MB).toFixed(0)} MB)` },
      { measure: `IPv4 lookups (${lookups} random, ${ipv4.placed} placed)`, value: `${ipv4.perSecond.toLocaleString("en")} /s` },
      { measure: `IPv6 lookups (${lookups} random in 2000::/4, ${ipv6.placed} placed)`, value: `${ipv6.perSecond.toLocaleString("en")} /s` },
      { measure: `countryNetworks("US"), first call: ${us.value.length} CIDRs`, value: `${us.ms.toFixed(0)} ms` },
      { measure: `countryNetworks("US"), cached`, value: `${usAgain.ms.toFixed(3)} ms` },
      { measure: `20 countries, first calls: ${twenty.value} CIDRs`, value: `${twenty.ms.toFixed(0)} ms` },
    ]);
  } finally {
    await rm(copyDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main(Number(process.argv[2] ?? 200_000));
