// A real control plane for tests: a fresh migrated database (PostgreSQL or PGlite), the HTTP
// server on port 0, a movable clock, and typed tRPC clients that sign in over HTTP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import type { DatabaseKind } from "@gatehouse/db";
import { loadEnv, type Env } from "../../src/env.ts";
import type { ControlPlaneExtension } from "../../src/extension.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { startControlPlane, type ControlPlane } from "../../src/server.ts";
import type { TravelersOptions } from "../../src/travelers/start.ts";
import { apiClient, signedInClient, type Api } from "./clients.ts";
import { TestClock } from "./clock.ts";

export const ADMIN_EMAIL = "msp@example.net";
export const ADMIN_PASSWORD = "correct horse battery staple";

export interface PlaneUnderTest {
  db: TestDatabase;
  plane: ControlPlane;
  clock: TestClock;
  printed: string[];
  /** A client signed in as the first MSP admin (at start, or at its first call with signInAdmin: false). */
  admin: Api;
  client(token?: string): Api;
  signIn(email: string, password: string): Promise<Api>;
  /** Closes the running plane if it still runs and starts it again on the same database, port and clock (and settings, changed by `env`). */
  restart(env?: Record<string, string>): Promise<ControlPlane>;
  stop(): Promise<void>;
}

export interface StartUnderTestOptions {
  env?: Record<string, string>;
  extensions?: readonly ControlPlaneExtension[];
  clock?: TestClock;
  /** The first MSP admin the plane creates from its env, and whom `admin` signs in as. */
  mspAdmin?: { email: string; password: string };
  /** Default true; false = `admin` signs in at its first call, so a test sees no session it did not make. */
  signInAdmin?: boolean;
  /** A database the test owns and drops itself; by default a fresh one, dropped at stop(). */
  database?: TestDatabase;
  /** Default: silent. */
  logger?: Logger;
  /** The console's static files; default none. */
  webDistDir?: string | null;
  /** Default false: tests call plane.sweeper.sweepNow(). */
  startSweeper?: boolean;
  /** The travelers service's mailer or mail retry (default: the env's SMTP_URL, the production retry). */
  travelers?: TravelersOptions;
}

export function testEnv(overrides: Record<string, string> = {}): Env {
  return loadEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", GATEHOUSE_ADMIN_EMAIL: ADMIN_EMAIL, GATEHOUSE_ADMIN_PASSWORD: ADMIN_PASSWORD, ...overrides });
}

export async function startUnderTest(kind?: DatabaseKind, options: StartUnderTestOptions = {}): Promise<PlaneUnderTest> {
  const db = options.database ?? (await createTestDatabase(kind));
  const dropDatabase = options.database ? async () => undefined : () => db.drop();
  const clock = options.clock ?? new TestClock();
  const mspAdmin = options.mspAdmin ?? { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };
  const printed: string[] = [];
  // Each plane gets its own data directory (mail outbox), removed at stop: tests never write
  // into the working directory's ./data.
  const dataDir = mkdtempSync(join(tmpdir(), "gh-plane-"));
  const removeAll = async () => {
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const env: Record<string, string> = { GATEHOUSE_ADMIN_EMAIL: mspAdmin.email, GATEHOUSE_ADMIN_PASSWORD: mspAdmin.password, DATA_DIR: dataDir, ...options.env };
  const start = (port = env.PORT ?? "0") =>
    startControlPlane(testEnv({ ...env, PORT: port }), {
      prisma: db.prisma,
      // On PostgreSQL the plane joins the replicas on its database (LISTEN, leader lock), as in production.
      databaseUrl: db.url,
      now: clock.now,
      logger: options.logger ?? createLogger("silent"),
      print: (text) => printed.push(text),
      webDistDir: options.webDistDir ?? null,
      startSweeper: options.startSweeper ?? false,
      extensions: options.extensions ?? [],
      travelers: options.travelers,
    });
  let plane: ControlPlane;
  try {
    plane = await start();
  } catch (error) {
    await removeAll();
    throw error;
  }
  const client = (token?: string): Api => apiClient(under.plane.url, token);
  let adminToken: Promise<string> | undefined;
  const adminSignIn = () => (adminToken ??= client().auth.login.mutate(mspAdmin).then((answer) => answer.token));
  const under: PlaneUnderTest = {
    db,
    plane,
    clock,
    printed,
    admin: apiClient(plane.url, adminSignIn),
    client,
    signIn: (email, password) => signedInClient(under.plane.url, email, password),
    restart: async (changed = {}) => {
      const port = String(under.plane.port);
      Object.assign(env, changed);
      await under.plane.close();
      under.plane = await start(port);
      return under.plane;
    },
    stop: async () => {
      // close() is idempotent: a test may have closed the plane itself.
      await under.plane.close();
      await removeAll();
    },
  };
  try {
    if (options.signInAdmin ?? true) await adminSignIn();
  } catch (error) {
    await under.stop();
    throw error;
  }
  return under;
}
