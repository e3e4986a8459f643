// Applies the committed migrations at start with Prisma's own schema engine (WebAssembly), so
// `_prisma_migrations` is filled exactly as `prisma migrate deploy` fills it: a host that has
// Prisma's native engine sees these migrations as applied, and vice versa.
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { pgliteAdapterFactory } from "./pglite-adapter.ts";
import { readMigrationList, readSchema } from "./migrations.ts";
import { guardedClient, guardedPool, lostConnectionReporter } from "./postgres-pool.ts";
import { withSchemaEngine } from "./schema-engine.ts";

export interface DbLogger {
  info(message: string): void;
  /** A connection PostgreSQL ended; default: not told. */
  warn?(message: string): void;
}

export type MigrationTarget = { kind: "postgres"; databaseUrl: string } | { kind: "pglite"; pglite: PGlite };

export interface MigrateOptions {
  /** Default: the repository's prisma/migrations. */
  migrationsDir?: string;
  /** Default: the repository's prisma/schema.prisma. */
  schemaPath?: string;
  logger?: DbLogger;
}

/**
 * Serialises Gatehouse processes that start at once against one PostgreSQL database: the
 * second waits, then finds nothing pending. The engine also takes Prisma's lock (72707369)
 * but on whichever pooled connection runs the query and never unlocks it (the native engine
 * relies on closing its one connection); so we hold our own on a dedicated session, and end
 * the engine's pool afterwards, which releases Prisma's.
 */
const MIGRATION_LOCK_KEY = 4_741_172_733;

/** Applies every pending migration; returns the names applied (empty when up to date). */
export async function applyMigrations(target: MigrationTarget, options: MigrateOptions = {}): Promise<string[]> {
  if (target.kind === "pglite") {
    // One PGlite instance belongs to one process, so there is nobody to race with.
    return runEngine(pgliteAdapterFactory(target.pglite), options);
  }
  const onLost = lostConnectionReporter(options.logger);
  const lockClient = guardedClient(target.databaseUrl, onLost);
  await lockClient.connect();
  const pool = guardedPool(target.databaseUrl, onLost);
  try {
    await lockClient.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    return await runEngine(new PrismaPg(pool), options);
  } finally {
    await pool.end();
    // Closing the session releases the advisory lock even if unlocking was never reached.
    await lockClient.end();
  }
}

async function runEngine(factory: SqlMigrationAwareDriverAdapterFactory, options: MigrateOptions): Promise<string[]> {
  const [migrationsList, schema] = await Promise.all([readMigrationList(options.migrationsDir), readSchema(options.schemaPath)]);
  const { appliedMigrationNames } = await withSchemaEngine(factory, schema, (engine) =>
    engine.applyMigrations({ migrationsList, filters: { externalTables: [], externalEnums: [] } }),
  );
  for (const name of appliedMigrationNames) options.logger?.info(`applied database migration ${name}`);
  return appliedMigrationNames;
}
