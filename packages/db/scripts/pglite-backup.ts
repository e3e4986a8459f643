// Usage (control plane stopped: PGlite allows one process per data directory):
//   pnpm --filter @gatehouse/db pglite-backup <dataDir> <backup.tar.gz>
// Writes PGlite's own dump of the data directory (dumpDataDir): a gzipped tar of the
// PostgreSQL data files. Restore: extract it into an empty directory (tar -xzf … -C ./data).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";

const [dataDir, out] = process.argv.slice(2);
if (dataDir === undefined || out === undefined) {
  console.error("usage: pglite-backup <dataDir> <backup.tar.gz>");
  process.exit(2);
}
const pglite = await PGlite.create(path.resolve(dataDir));
try {
  const dump = await pglite.dumpDataDir("gzip");
  await writeFile(out, Buffer.from(await dump.arrayBuffer()));
  console.log(`wrote ${out} (${dump.size} bytes)`);
} finally {
  await pglite.close();
}
