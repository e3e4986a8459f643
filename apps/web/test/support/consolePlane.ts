// A real control plane for the browser tests: the control plane's testing kit on a fresh test
// database, with the production extensions (agent hub, travelers), the built console from
// apps/web/dist and the wall clock the browser reads too; either with a fleet of two tenants
// seeded through the API, or EMPTY (no tenant, no server): what a new MSP meets the first
// time it opens the console.
import { PRODUCTION_EXTENSIONS, type ControlPlane } from "@gatehouse/control-plane/server";
import { startUnderTest, TestClock, type Api } from "@gatehouse/control-plane/testing";
import { distDir } from "./webBuild.ts";

export const MSP_ADMIN = { email: "msp@example.net", password: "correct horse battery staple" };
export const BRAVO_ADMIN = { email: "it@bravo.example", password: "bravo's long passphrase" };

interface SeededFleet {
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

async function seed(admin: Api): Promise<SeededFleet> {
  const acme = await admin.tenants.create.mutate({ name: "Acme Dental" });
  const bravo = await admin.tenants.create.mutate({ name: "Bravo Logistics" });
  const nyc1 = await admin.servers.create.mutate({ tenantId: acme.id, name: "pbx-nyc-1", provider: "digitalocean", region: "nyc3", tags: ["nyc"], primaryAdminSource: "203.0.113.10" });
  const lax1 = await admin.servers.create.mutate({ tenantId: acme.id, name: "pbx-lax-1", provider: "vultr", region: "lax", tags: ["lax"] });
  const bravo1 = await admin.servers.create.mutate({ tenantId: bravo.id, name: "pbx-bravo-1", provider: "vultr", region: "ams", tags: ["hq"] });
  await admin.operators.create.mutate({ email: BRAVO_ADMIN.email, name: "Bravo IT", password: BRAVO_ADMIN.password, role: "TENANT_ADMIN", tenantId: bravo.id });
  await admin.entries.add.mutate({ source: "198.51.100.0/24", services: ["all"], scope: { kind: "TENANT", tenantId: acme.id }, comment: "Acme head office" });
  await admin.entries.add.mutate({ source: "sip.trunk.acme.example", services: ["sip"], scope: { kind: "GROUP", tenantId: acme.id, group: "nyc" }, comment: "SIP trunk" });
  await admin.entries.add.mutate({ source: "192.0.2.44", services: ["sip", "rtp"], scope: { kind: "TENANT", tenantId: bravo.id }, comment: "Bravo warehouse" });
  return { acme, bravo, servers: { nyc1: nyc1.server.id, lax1: lax1.server.id, bravo1: bravo1.server.id } };
}

export interface EmptyConsoleUnderTest {
  url: string;
  /** Signed in as the MSP admin, to check what the browser did (and to add operators). */
  admin: Api;
  signIn(email: string, password: string): Promise<Api>;
  stop(): Promise<void>;
}

function startPlane(signInAdmin: boolean, env: Record<string, string> = {}) {
  return startUnderTest(undefined, {
    extensions: PRODUCTION_EXTENSIONS,
    // Traveler grants must be public addresses; the tests use documentation ranges.
    env: { ALLOW_DOCUMENTATION_ADDRESSES: "true", ...env },
    mspAdmin: MSP_ADMIN,
    signInAdmin,
    webDistDir: distDir,
    clock: TestClock.wall(),
  });
}

/** `env`: settings of the plane beyond the tests' defaults (e.g. webhooks to a listener on loopback). */
export async function startConsoleUnderTest(env: Record<string, string> = {}): Promise<ConsoleUnderTest> {
  const test = await startPlane(true, env);
  try {
    return { url: test.plane.url, plane: test.plane, admin: test.admin, fleet: await seed(test.admin), stop: () => test.stop() };
  } catch (error) {
    await test.stop();
    throw error;
  }
}

export async function startEmptyConsoleUnderTest(): Promise<EmptyConsoleUnderTest> {
  const test = await startPlane(false);
  return { url: test.plane.url, admin: test.admin, signIn: (email, password) => test.signIn(email, password), stop: () => test.stop() };
}
