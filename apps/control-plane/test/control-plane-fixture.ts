// A real control plane for tests: a fresh migrated database (PostgreSQL or PGlite), the HTTP
// server on port 0, a movable clock, and typed tRPC clients that sign in over HTTP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from "@trpc/client";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import type { DatabaseKind } from "@gatehouse/db";
import type { AppRouter } from "../src/api/router.ts";
import { loadEnv, type Env } from "../src/env.ts";
import type { ControlPlaneExtension } from "../src/extension.ts";
import { createLogger } from "../src/logger.ts";
import { startControlPlane, type ControlPlane } from "../src/server.ts";

export type Api = TRPCClient<AppRouter>;

export const ADMIN_EMAIL = "msp@example.net";
export const ADMIN_PASSWORD = "correct horse battery staple";

/** A clock tests move by hand, so expiry is tested without waiting. */
export class TestClock {
  private current: number;
  constructor(start = Date.parse("2026-03-01T12:00:00Z")) {
    this.current = start;
  }
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
  set(at: Date): void {
    this.current = at.getTime();
  }
}

export interface PlaneUnderTest {
  db: TestDatabase;
  plane: ControlPlane;
  clock: TestClock;
  printed: string[];
  /** A client signed in as the first MSP admin. */
  admin: Api;
  client(token?: string): Api;
  signIn(email: string, password: string): Promise<Api>;
  stop(): Promise<void>;
}

export interface StartUnderTestOptions {
  env?: Record<string, string>;
  extensions?: ControlPlaneExtension[];
  clock?: TestClock;
}

export function testEnv(overrides: Record<string, string> = {}): Env {
  return loadEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", GATEHOUSE_ADMIN_EMAIL: ADMIN_EMAIL, GATEHOUSE_ADMIN_PASSWORD: ADMIN_PASSWORD, ...overrides });
}

export async function startUnderTest(kind: DatabaseKind, options: StartUnderTestOptions = {}): Promise<PlaneUnderTest> {
  const db = await createTestDatabase(kind);
  const clock = options.clock ?? new TestClock();
  const printed: string[] = [];
  // Each plane gets its own data directory (mail outbox), removed at stop: tests never write
  // into the working directory's ./data.
  const dataDir = mkdtempSync(join(tmpdir(), "gh-plane-"));
  const plane = await startControlPlane(testEnv({ DATA_DIR: dataDir, ...options.env }), {
    prisma: db.prisma,
    now: clock.now,
    logger: createLogger("silent"),
    print: (text) => printed.push(text),
    webDistDir: null,
    startSweeper: false,
    extensions: options.extensions ?? [],
  });
  const client = (token?: string): Api =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${plane.url}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
    });
  const signIn = async (email: string, password: string): Promise<Api> => client((await client().auth.login.mutate({ email, password })).token);
  return {
    db,
    plane,
    clock,
    printed,
    admin: await signIn(ADMIN_EMAIL, ADMIN_PASSWORD),
    client,
    signIn,
    stop: async () => {
      await plane.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The tRPC error code (data.code) of a failed call; throws if the call succeeded. */
export async function errorOf(call: Promise<unknown>): Promise<{ code: string; message: string; field: string | null }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code?: string; field?: string | null } | undefined;
      return { code: data?.code ?? "UNKNOWN", message: error.message, field: data?.field ?? null };
    }
    throw error;
  }
  throw new Error("expected the call to fail, and it succeeded");
}

export interface Fleet {
  tenantA: { id: string; name: string };
  tenantB: { id: string; name: string };
  serverA1: string;
  serverA2: string;
  serverB1: string;
}

/** Two tenants: A with pbx-a1 (group "nyc") and pbx-a2, B with pbx-b1 (group "nyc" too). */
export async function seedFleet(admin: Api): Promise<Fleet> {
  const tenantA = await admin.tenants.create.mutate({ name: "Acme" });
  const tenantB = await admin.tenants.create.mutate({ name: "Bravo" });
  const serverA1 = (await admin.servers.create.mutate({ tenantId: tenantA.id, name: "pbx-a1", tags: ["nyc"], primaryAdminSource: "203.0.113.10" })).server.id;
  const serverA2 = (await admin.servers.create.mutate({ tenantId: tenantA.id, name: "pbx-a2", tags: ["lax"] })).server.id;
  const serverB1 = (await admin.servers.create.mutate({ tenantId: tenantB.id, name: "pbx-b1", tags: ["nyc"] })).server.id;
  return { tenantA, tenantB, serverA1, serverA2, serverB1 };
}

/** revision per server id, read straight from the database. */
export async function revisions(test: PlaneUnderTest): Promise<Record<string, number>> {
  const rows = await test.db.prisma.server.findMany({ select: { id: true, revision: true } });
  return Object.fromEntries(rows.map((row) => [row.id, row.revision]));
}
