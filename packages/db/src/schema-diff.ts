// The SQL that would bring a database migrated with the committed migrations up to
// schema.prisma: what `prisma migrate diff --from-migrations --to-schema --script` prints.
// Empty when migrations and schema agree; the drift test and scripts/new-migration.ts use it.
import { PGlite } from "@electric-sql/pglite";
import { pgliteAdapterFactory } from "./pglite-adapter.ts";
import { readMigrationList, readSchema } from "./migrations.ts";
import { withSchemaEngine } from "./schema-engine.ts";

export interface DiffOptions {
  migrationsDir?: string;
  schemaPath?: string;
}

/** Replays the migrations on a throwaway in-memory PGlite (main connection and shadow database at once) and diffs. */
export async function diffMigrationsToSchema(options: DiffOptions = {}): Promise<string> {
  const [migrations, schema] = await Promise.all([readMigrationList(options.migrationsDir), readSchema(options.schemaPath)]);
  const scratch = await PGlite.create();
  try {
    const result = await withSchemaEngine(pgliteAdapterFactory(scratch, { shadow: scratch }), schema, (engine) =>
      engine.diff({
        from: { tag: "migrations", ...migrations },
        to: { tag: "schemaDatamodel", files: [schema] },
        script: true,
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      }),
    );
    return isEmptyScript(result.stdout ?? "") ? "" : (result.stdout ?? "");
  } finally {
    await scratch.close();
  }
}

/** The engine prints a comment ("-- This is an empty migration.") when nothing differs. */
function isEmptyScript(sql: string): boolean {
  return sql.split("\n").every((line) => line.trim() === "" || line.trim().startsWith("--"));
}
