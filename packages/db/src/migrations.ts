// The committed migrations (prisma/migrations, Prisma's layout) and schema, read from disk in
// the shape the schema engine takes them.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationList } from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaFile } from "./schema-engine.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export const defaultMigrationsDir = path.join(repoRoot, "prisma", "migrations");
export const defaultSchemaPath = path.join(repoRoot, "prisma", "schema.prisma");

const LOCKFILE = "migration_lock.toml";

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Every `<dir>/<name>/migration.sql`, in name (= timestamp) order, as Prisma's CLI lists them. */
export async function readMigrationList(migrationsDir = defaultMigrationsDir): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => {
      const sql = await readOptional(path.join(migrationsDir, name, "migration.sql"));
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: sql === null ? { tag: "error" as const, value: "migration.sql not found" } : { tag: "ok" as const, value: sql },
        },
      };
    }),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: await readOptional(path.join(migrationsDir, LOCKFILE)) },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

export async function readSchema(schemaPath = defaultSchemaPath): Promise<SchemaFile> {
  return { path: schemaPath, content: await readFile(schemaPath, "utf8") };
}
