// The one way Gatehouse opens its system of record: PostgreSQL when a URL is given, else an
// embedded PGlite (PostgreSQL compiled to WebAssembly) persisted in a directory.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { acquireInstanceLock, InstanceLockedError, type InstanceLock } from "@gatehouse/instance-lock";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { applyMigrations, type DbLogger } from "./migrate.ts";
import { pgliteAdapterFactory } from "./pglite-adapter.ts";
import { guardedPool, lostConnectionReporter } from "./postgres-pool.ts";

export type DatabaseKind = "postgres" | "pglite";

export interface OpenDatabaseOptions {
  /** postgresql://… — when set, PostgreSQL is used and dataDir is ignored. */
  databaseUrl?: string;
  /** Where embedded PGlite keeps its files (default ./data); "memory://" keeps nothing. */
  dataDir?: string;
  logger?: DbLogger;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Default: the repository's prisma/migrations. */
  migrationsDir?: string;
  /** PostgreSQL only: told of every SQL statement the client sends (tests count a load's queries). */
  onQuery?: (sql: string) => void;
}

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const migrateOptions = { logger: options.logger, migrationsDir: options.migrationsDir };
  if (options.databaseUrl) {
    const databaseUrl = options.databaseUrl;
    if (options.migrate !== false) await applyMigrations({ kind: "postgres", databaseUrl }, migrateOptions);
    const pool = guardedPool(databaseUrl, lostConnectionReporter(options.logger));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: options.onQuery ? [{ emit: "event", level: "query" }] : [] });
    const onQuery = options.onQuery;
    if (onQuery) prisma.$on("query", (event) => onQuery(event.query));
    // Ended here, not by Prisma: a query after close then fails instead of opening a new,
    // unguarded pool from the same settings.
    return { prisma, kind: "postgres", close: () => prisma.$disconnect().finally(() => pool.end()) };
  }

  const dataDir = options.dataDir ?? "./data";
  const lock = dataDir.includes("://") ? null : await lockDataDir(dataDir);
  try {
    const database = await useEmbeddedDatabase(await PGlite.create(dataDir), options);
    options.logger?.info(`using embedded PGlite database in ${dataDir}`);
    return lock === null ? database : { ...database, close: () => database.close().finally(() => lock.release()) };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

/** The socket beside PGlite's files that says a live control plane has them open. */
const DATA_DIR_LOCK = "control-plane.lock";

class SecondReplicaOnPgliteError extends Error {
  override readonly name = "SecondReplicaOnPgliteError";
}

/**
 * PGlite is one process's database: two control planes on one DATA_DIR both write and neither
 * sees the other (silent divergence, then corruption). More replicas need PostgreSQL.
 */
async function lockDataDir(dataDir: string): Promise<InstanceLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    return await acquireInstanceLock(join(dataDir, DATA_DIR_LOCK), dataDir);
  } catch (error) {
    if (!(error instanceof InstanceLockedError)) throw error;
    throw new SecondReplicaOnPgliteError(
      `another control plane is running on the embedded database in ${dataDir}: PGlite serves one process only. Stop it, or run several replicas on PostgreSQL (set DATABASE_URL; docs/operations.md, "Scaling out").`,
    );
  }
}

/**
 * Wraps a PGlite instance the caller created (e.g. from a dumpDataDir snapshot) as a
 * Database: migrates it unless told not to, and closes it on close() — or on failure here.
 */
export async function useEmbeddedDatabase(
  pglite: PGlite,
  options: Pick<OpenDatabaseOptions, "logger" | "migrate" | "migrationsDir"> = {},
): Promise<Database> {
  try {
    if (options.migrate !== false) {
      await applyMigrations({ kind: "pglite", pglite }, { logger: options.logger, migrationsDir: options.migrationsDir });
    }
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const prisma = new PrismaClient({
    adapter: pgliteAdapterFactory(pglite),
    // PGlite is a single connection: a transaction waits for the one before it to finish,
    // so give it longer than Prisma's 2 s default to start.
    transactionOptions: { maxWait: 15_000 },
  });
  return {
    prisma,
    kind: "pglite",
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
