// Migrations are applied at start by Prisma's schema engine and recorded in
// _prisma_migrations exactly as `prisma migrate deploy` records them, so a host with
// Prisma's CLI agrees about what is applied.
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, type MigrationTarget } from "./migrate.ts";
import { defaultMigrationsDir, readMigrationList } from "./migrations.ts";

interface EmptyDatabase {
  target: MigrationTarget;
  query<T>(sql: string): Promise<T[]>;
  dispose(): Promise<void>;
}

async function emptyDatabase(kind: "postgres" | "pglite"): Promise<EmptyDatabase> {
  if (kind === "pglite") {
    const pglite = await PGlite.create();
    return {
      target: { kind, pglite },
      query: async <T>(sql: string) => (await pglite.query<T>(sql)).rows,
      dispose: () => pglite.close(),
    };
  }
  const serverUrl = process.env.DATABASE_URL ?? "";
  const name = `gh_test_migrate_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  return {
    target: { kind, databaseUrl: url.href },
    query: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    dispose: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

describe.each(testDatabaseKinds())("on %s", (kind) => {
  let db: EmptyDatabase;
  beforeAll(async () => {
    db = await emptyDatabase(kind);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("an empty database gets every committed migration, recorded with Prisma's columns and checksums", async () => {
    const committed = (await readMigrationList()).migrationDirectories.map((d) => d.path);
    expect(committed.length).toBeGreaterThan(0);

    expect(await applyMigrations(db.target)).toEqual(committed);

    const columns = await db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position",
    );
    expect(columns.map((c) => c.column_name)).toEqual([
      "id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count",
    ]);
    const rows = await db.query<MigrationRow>("SELECT * FROM _prisma_migrations ORDER BY migration_name");
    expect(rows.map((r) => r.migration_name)).toEqual(committed);
    for (const row of rows) {
      const sql = await readFile(path.join(defaultMigrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("a second start applies nothing and records nothing", async () => {
    expect(await applyMigrations(db.target)).toEqual([]);
    const [{ n }] = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM _prisma_migrations")) as [{ n: number }];
    expect(n).toBe((await readMigrationList()).migrationDirectories.length);
  });
});

describe.each(testDatabaseKinds())("a migration that fails, on %s", (kind) => {
  let db: EmptyDatabase;
  let migrationsDir: string;
  beforeAll(async () => {
    db = await emptyDatabase(kind);
    migrationsDir = await mkdtemp(path.join(tmpdir(), "gatehouse-migrations-"));
    await cp(defaultMigrationsDir, migrationsDir, { recursive: true });
    await mkdir(path.join(migrationsDir, "29991231235959_broken"));
    await writeFile(
      path.join(migrationsDir, "29991231235959_broken", "migration.sql"),
      'CREATE TABLE "Half" ("id" TEXT);\nSELECT 1 / 0;\n',
    );
  });
  afterAll(async () => {
    await db?.dispose();
    await rm(migrationsDir, { recursive: true, force: true });
  });

  it("stops the start, is not recorded as finished, and blocks later starts until resolved", async () => {
    await expect(applyMigrations(db.target, { migrationsDir })).rejects.toThrow(/division by zero/);
    const rows = await db.query<MigrationRow>("SELECT * FROM _prisma_migrations WHERE migration_name = '29991231235959_broken'");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.finished_at).toBeNull();
    expect(rows[0]?.logs).toMatch(/division by zero/);
    // As with `prisma migrate deploy` (P3009): a failed migration must be resolved by hand.
    await expect(applyMigrations(db.target, { migrationsDir })).rejects.toThrow(/failed migrations/);
  });
});

describe.runIf(testDatabaseKinds().includes("postgres"))("two control planes starting at once on postgres", () => {
  let db: EmptyDatabase;
  beforeAll(async () => {
    db = await emptyDatabase("postgres");
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("apply each migration exactly once between them", async () => {
    const [a, b] = await Promise.all([applyMigrations(db.target), applyMigrations(db.target)]);
    const committed = (await readMigrationList()).migrationDirectories.map((d) => d.path);
    expect([...a, ...b].sort()).toEqual(committed);
    const rows = await db.query<MigrationRow>("SELECT * FROM _prisma_migrations");
    expect(rows).toHaveLength(committed.length);
  });
});
