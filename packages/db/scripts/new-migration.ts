// Usage: pnpm --filter @gatehouse/db new-migration <name>
// Writes prisma/migrations/<UTC timestamp>_<name>/migration.sql with the SQL that takes a
// database from the committed migrations to prisma/schema.prisma — what `prisma migrate dev
// --create-only` would write, computed offline by the schema engine as WebAssembly.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { defaultMigrationsDir } from "../src/migrations.ts";
import { diffMigrationsToSchema } from "../src/schema-diff.ts";

/** Prisma's directory names: 14-digit UTC timestamp, underscore, name in snake case. */
function migrationDirName(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (slug === "") throw new Error("give the migration a name, e.g. `add_server_notes`");
  return `${stamp}_${slug}`;
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (name === undefined) {
    console.error("usage: new-migration <name>");
    process.exit(2);
  }
  const dirName = migrationDirName(name);
  const sql = await diffMigrationsToSchema();
  if (sql === "") {
    console.log("schema.prisma and prisma/migrations agree: no migration needed");
    return;
  }
  const dir = path.join(defaultMigrationsDir, dirName);
  await mkdir(dir, { recursive: false });
  await writeFile(path.join(dir, "migration.sql"), sql);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, "migration.sql"))}; review it, then commit it`);
}

await main();
