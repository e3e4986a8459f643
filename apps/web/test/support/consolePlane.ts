// A real control plane for the browser tests: a fresh migrated test database (PostgreSQL when
// DATABASE_URL is set, else PGlite), the production extensions (agent hub, travelers), the
// built console from apps/web/dist, and a fleet of two tenants seeded through the API.
// The web app depends on the control plane for types only (a dev dependency); like the CLI's
// tests, these start it through its "./server" export.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "@gatehouse/control-plane/router";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import { loadEnv, PRODUCTION_EXTENSIONS, startControlPlane, type ControlPlane } from "@gatehouse/control-plane/server";
import { distDir } from "./webBuild.ts";

export type Api = TRPCClient<AppRouter>;

export const MSP_ADMIN = { email: "msp@example.net", password: "correct horse battery staple" };
export const BRAVO_ADMIN = { email: "it@bravo.example", password: "bravo's long passphrase" };

export interface SeededFleet {
  acme: { id: string; name: string };
  bravo: { id: string; name: string };
  servers: { nyc1: string; lax1: string; bravo1: string };
}

export interface ConsoleUnderTest {
  url: string;
  plane: ControlPlane;
  /** Signed in as the MSP admin, to set up and to check what the browser did. */
  admin: Api;
  fleet: SeededFleet;
  stop(): Promise<void>;
}

function clientFor(url: string, token?: string): Api {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
  });
}

async function seed(admin: Api): Promise<SeededFleet> {
  const acme = await admin.tenants.create.mutate({ name: "Acme Dental" });
  const bravo = await admin.tenants.create.mutate({ name: "Bravo Logistics" });
  const nyc1 = await admin.servers.create.mutate({ tenantId: acme.id, name: "pbx-nyc-1", provider: "digitalocean", region: "nyc3", tags: ["nyc"], primaryAdminSource: "203.0.113.10" });
  const lax1 = await admin.servers.create.mutate({ tenantId: acme.id, name: "pbx-lax-1", provider: "vultr", region: "lax", tags: ["lax"] });
  const bravo1 = await admin.servers.create.mutate({ tenantId: bravo.id, name: "pbx-bravo-1", provider: "vultr", region: "ams", tags: ["hq"] });
  await admin.operators.create.mutate({ email: BRAVO_ADMIN.email, name: "Bravo IT", password: BRAVO_ADMIN.password, role: "TENANT_ADMIN", tenantId: bravo.id });
  await admin.entries.add.mutate({ source: "198.51.100.0/24", scope: { kind: "TENANT", tenantId: acme.id }, comment: "Acme head office" });
  await admin.entries.add.mutate({ source: "sip.trunk.acme.example", services: ["sip"], scope: { kind: "GROUP", tenantId: acme.id, group: "nyc" }, comment: "SIP trunk" });
  await admin.entries.add.mutate({ source: "192.0.2.44", services: ["sip", "rtp"], scope: { kind: "TENANT", tenantId: bravo.id }, comment: "Bravo warehouse" });
  return { acme, bravo, servers: { nyc1: nyc1.server.id, lax1: lax1.server.id, bravo1: bravo1.server.id } };
}

export async function startConsoleUnderTest(): Promise<ConsoleUnderTest> {
  const database: TestDatabase = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-web-cp-"));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  let plane: ControlPlane | undefined;
  try {
    const env = loadEnv({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      GATEHOUSE_ADMIN_EMAIL: MSP_ADMIN.email,
      GATEHOUSE_ADMIN_PASSWORD: MSP_ADMIN.password,
      // Traveler mail goes to an outbox under DATA_DIR: keep it out of the work tree.
      DATA_DIR: dataDir,
      // Traveler grants must be public addresses; the tests use documentation ranges.
      ALLOW_DOCUMENTATION_ADDRESSES: "true",
    });
    plane = await startControlPlane(env, { prisma: database.prisma, extensions: PRODUCTION_EXTENSIONS, print: () => undefined, webDistDir: distDir });
    const url = plane.url;
    const { token } = await clientFor(url).auth.login.mutate(MSP_ADMIN);
    const admin = clientFor(url, token);
    const fleet = await seed(admin);
    const started = plane;
    return {
      url,
      plane: started,
      admin,
      fleet,
      stop: async () => {
        await started.close();
        await database.drop();
        removeDataDir();
      },
    };
  } catch (error) {
    await plane?.close();
    await database.drop();
    removeDataDir();
    throw error;
  }
}
