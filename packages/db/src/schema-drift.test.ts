// The committed migrations must build exactly the database schema.prisma describes. If this
// fails, someone changed prisma/schema.prisma without a migration: run
//   pnpm --filter @gatehouse/db new-migration <what_changed>
// review the SQL it writes under prisma/migrations, and commit it with the schema change.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSchemaPath } from "./migrations.ts";
import { diffMigrationsToSchema } from "./schema-diff.ts";

describe("schema drift", () => {
  it("the committed migrations and schema.prisma agree", async () => {
    const missing = await diffMigrationsToSchema();
    expect(missing, `schema.prisma has changes no migration makes; add one with \`pnpm --filter @gatehouse/db new-migration <name>\`:\n${missing}`).toBe("");
  });

  describe("when schema.prisma gains a model without a migration", () => {
    let dir: string;
    let schemaPath: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "gatehouse-schema-"));
      schemaPath = path.join(dir, "schema.prisma");
      const schema = await readFile(defaultSchemaPath, "utf8");
      await writeFile(schemaPath, `${schema}\nmodel MaintenanceWindow {\n  id String @id\n}\n`);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("the check reports the SQL the missing migration needs", async () => {
      const missing = await diffMigrationsToSchema({ schemaPath });
      expect(missing).toContain('CREATE TABLE "MaintenanceWindow"');
    });
  });
});
