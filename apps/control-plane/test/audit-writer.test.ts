// The audit log is readable by every operator of a tenant, so a secret written into an event
// would be handed to all of them: whoever writes an event, its before/after never carries a
// field named like a secret, at any depth. Every write goes through one writer (audit-writer.ts);
// the last test keeps it that way.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from "@gatehouse/testkit/database";
import { writeAuditEvents } from "../src/audit-writer.ts";
import { RevisionBus } from "../src/bus.ts";
import { runMutation } from "../src/services/mutation.ts";

const SRC_DIR = fileURLToPath(new URL("../src/", import.meta.url));
const AT = new Date("2026-03-01T12:00:00.000Z");

/** A careless caller's snapshot: the secrets sit among plain fields, nested and in lists. */
const careless = {
  name: "pbx-nyc-1",
  password: "hunter2-password",
  passwordHash: "$argon2id$password-hash",
  pinHash: "$argon2id$pin-hash",
  tokenHash: "token-hash-0123",
  enrollmentToken: "enrollment-token-4567",
  agentCredentialHash: "credential-hash-89ab",
  server: { id: "s1", secret: "nested-secret-cdef", lastSeenAt: AT },
  operators: [{ email: "ann@example.net", apiToken: "gh_listed-token" }],
};
const SECRET_VALUES = ["hunter2-password", "password-hash", "pin-hash", "token-hash-0123", "enrollment-token-4567", "credential-hash-89ab", "nested-secret-cdef", "gh_listed-token"];
const KEPT = { name: "pbx-nyc-1", server: { id: "s1", lastSeenAt: AT.toISOString() }, operators: [{ email: "ann@example.net" }] };

describe.each(testDatabaseKinds())("an audit event on %s", (kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db.drop();
  });

  async function storedEvent(action: string): Promise<string> {
    const row = await db.prisma.auditEvent.findFirstOrThrow({ where: { action } });
    expect({ before: row.before, after: row.after }).toEqual({ before: KEPT, after: KEPT });
    return JSON.stringify(row);
  }

  it("written directly (sign-ins, enrollment, reports, travelers) keeps the plain fields and drops every secret-named one", async () => {
    await writeAuditEvents(db.prisma, [{ at: AT, actor: "system", action: "test.direct", tenantId: null, before: careless, after: careless }]);
    const stored = await storedEvent("test.direct");
    for (const secret of SECRET_VALUES) expect(stored).not.toContain(secret);
  });

  it("written inside a transaction with other writes drops them too", async () => {
    await db.prisma.$transaction([writeAuditEvents(db.prisma, [{ at: AT, actor: "system", action: "test.batched", tenantId: null, before: careless, after: careless }])]);
    const stored = await storedEvent("test.batched");
    for (const secret of SECRET_VALUES) expect(stored).not.toContain(secret);
  });

  it("written by runMutation for a change drops them too", async () => {
    const ctx = { prisma: db.prisma, bus: new RevisionBus(), actor: "operator:o1", now: () => AT };
    await runMutation(ctx, "test.mutation", async () => ({ result: null, audit: { tenantId: null, targetType: "server", targetId: "s1", before: careless, after: careless }, affected: [] }));
    const stored = await storedEvent("test.mutation");
    for (const secret of SECRET_VALUES) expect(stored).not.toContain(secret);
  });
});

describe("the control plane's source", () => {
  it("writes audit events only through the audit writer", async () => {
    const writers: string[] = [];
    for (const file of await sourceFiles(SRC_DIR)) {
      if (/\.auditEvent\s*\.\s*(create|createMany|upsert|update|updateMany)\s*\(/.test(await readFile(file, "utf8"))) writers.push(relative(SRC_DIR, file));
    }
    expect(writers).toEqual(["audit-writer.ts"]);
  });
});

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(".ts")).map((entry) => join(entry.parentPath, entry.name));
}
