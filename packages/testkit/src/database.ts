// A fresh, migrated database per test: on the PostgreSQL server DATABASE_URL points at when it
// is set (as in CI), else embedded in-memory PGlite. (A user's machine with Docker could also
// start PostgreSQL through testcontainers when DATABASE_URL is unset; Docker does not run on
// the build machines, so that path is not wired in.)
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { applyMigrations, openDatabase, useEmbeddedDatabase, type DatabaseKind, type PrismaClient } from "@gatehouse/db";
import pg from "pg";

export interface TestDatabase {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** The new database's postgresql:// URL; null for in-memory PGlite, which only this process can reach. */
  url: string | null;
  /** Closes the client and deletes the database. */
  drop(): Promise<void>;
}

/** The kinds a suite can run on here: both when DATABASE_URL is set, else PGlite only. */
export function testDatabaseKinds(): DatabaseKind[] {
  return process.env.DATABASE_URL ? ["postgres", "pglite"] : ["pglite"];
}

export async function createTestDatabase(kind: DatabaseKind = testDatabaseKinds()[0] ?? "pglite"): Promise<TestDatabase> {
  return kind === "postgres" ? createPostgresDatabase() : createPgliteDatabase();
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("a postgres test database needs DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres)");
  const name = `gh_test_${randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    const db = await openDatabase({ databaseUrl: url.href });
    return {
      prisma: db.prisma,
      kind: "postgres",
      url: url.href,
      drop: async () => {
        await db.close();
        await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  } catch (error) {
    await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
}

export interface CountedPostgresDatabase {
  /** The test database, with its own client (not counted): for seeding and checking. */
  db: TestDatabase;
  /** A second client on it that records every statement it sends in `statements`. */
  counted: PrismaClient;
  statements: string[];
  /** Closes the counting client, then drops the database. */
  drop(): Promise<void>;
}

/** A fresh PostgreSQL test database and a client on it whose statements a test can count. */
export async function createCountedPostgresDatabase(): Promise<CountedPostgresDatabase> {
  const db = await createTestDatabase("postgres");
  const statements: string[] = [];
  const counting = await openDatabase({ databaseUrl: db.url!, migrate: false, onQuery: (sql) => statements.push(sql) });
  return {
    db,
    counted: counting.prisma,
    statements,
    drop: async () => {
      await counting.close();
      await db.drop();
    },
  };
}

export interface EmptyPostgresDatabase {
  url: string;
  /** The tables in its public schema (none until something migrates it). */
  tableNames(): Promise<string[]>;
  drop(): Promise<void>;
}

/** A new PostgreSQL database left empty (not migrated): for what must happen before migrating. */
export async function createEmptyPostgresDatabase(): Promise<EmptyPostgresDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("an empty postgres test database needs DATABASE_URL");
  const name = `gh_test_${randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    tableNames: async () => {
      const client = new pg.Client({ connectionString: url.href });
      await client.connect();
      try {
        const result = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        return result.rows.map((row) => row.table_name);
      } finally {
        await client.end();
      }
    },
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** `name` is generated above, never user input, so it is safe to put in the statement. */
async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

// initdb dominates PGlite's start (seconds); migrating one database per process and cloning
// its files for every further test database takes a fraction of that.
let migratedSnapshot: Promise<Blob> | undefined;

function pgliteSnapshot(): Promise<Blob> {
  migratedSnapshot ??= (async () => {
    const pglite = await PGlite.create();
    try {
      await applyMigrations({ kind: "pglite", pglite });
      return await pglite.dumpDataDir("none");
    } finally {
      await pglite.close();
    }
  })();
  return migratedSnapshot;
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const pglite = await PGlite.create({ loadDataDir: await pgliteSnapshot() });
  // Still runs the engine: it finds nothing pending, and would catch a stale snapshot.
  const db = await useEmbeddedDatabase(pglite);
  return { prisma: db.prisma, kind: "pglite", url: null, drop: () => db.close() };
}
