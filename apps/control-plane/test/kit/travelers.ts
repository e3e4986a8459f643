// A tenant with servers, operators and travelers on a fresh test database, a real SMTP server
// receiving the mail, and a clock the test moves by hand.
import type { PrismaClient } from "@gatehouse/db";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import { createMailer } from "../../src/mail/index.ts";
import { createTraveler, type NewTraveler } from "../../src/travelers/accounts.ts";
import { RevisionBus, type RevisionChange } from "../../src/bus.ts";
import { createLogger } from "../../src/logger.ts";
import { ExpirySweeper } from "../../src/services/expiry-sweeper.ts";
import { grantExpiryHooks } from "../../src/travelers/grant-expiry.ts";
import { BackgroundTasks, type TravelersContext } from "../../src/travelers/context.ts";
import { startTestSmtpServer, type TestSmtpServer } from "./smtp-server.ts";

export const silentLogger = createLogger("silent");

export interface TravelersFixture {
  db: TestDatabase;
  prisma: PrismaClient;
  smtp: TestSmtpServer;
  ctx: TravelersContext;
  clock: { now: Date };
  bus: RevisionBus;
  /** The control plane's expiry sweeper with the grant hook; tests call sweepNow(). */
  sweeper: ExpirySweeper;
  /** Every revision published on the bus (after commit), in order. */
  published: RevisionChange[];
  tenantId: string;
  otherTenantId: string;
  servers: { sales1: string; sales2: string; support: string; otherTenant: string };
  /** Create a traveler of the tenant with PIN 135790 unless told otherwise; resolves its id. */
  traveler(overrides?: Partial<NewTraveler>): Promise<string>;
  /** The account number the control plane drew for a traveler. */
  accountOf(travelerId: string): Promise<string>;
  close(): Promise<void>;
}

export async function travelersFixture(): Promise<TravelersFixture> {
  const db = await createTestDatabase();
  const smtp = await startTestSmtpServer();
  const prisma = db.prisma;
  const clock = { now: new Date("2030-01-01T12:00:00Z") };
  const bus = new RevisionBus();
  const published: RevisionChange[] = [];
  bus.subscribe((change) => published.push(change));
  const ctx: TravelersContext = {
    prisma,
    bus,
    mailer: createMailer({ smtpUrl: smtp.url, from: "Gatehouse <gatehouse@example.net>", outboxDir: "/nonexistent" }, silentLogger),
    mailRetry: { attempts: 3, firstDelayMs: 1, sleep: async () => undefined },
    logger: silentLogger,
    now: () => clock.now,
    timeZone: "UTC",
    allowDocumentationAddresses: true,
    publicUrl: () => "http://gatehouse.test",
    background: new BackgroundTasks(),
  };
  const sweeper = new ExpirySweeper({ prisma, bus, logger: silentLogger, now: () => clock.now, intervalMs: 60_000 });
  sweeper.addHooks(grantExpiryHooks);
  const tenant = await prisma.tenant.create({ data: { name: "Acme" } });
  const other = await prisma.tenant.create({ data: { name: "Other" } });
  const server = (tenantId: string, name: string, tags: string[]) =>
    prisma.server.create({ data: { tenantId, name, tags } }).then((created) => created.id);
  const servers = {
    sales1: await server(tenant.id, "pbx-sales-1", ["sales"]),
    sales2: await server(tenant.id, "pbx-sales-2", ["sales"]),
    support: await server(tenant.id, "pbx-support", ["support"]),
    otherTenant: await server(other.id, "pbx-other", ["sales"]),
  };
  await prisma.operator.createMany({
    data: [
      { email: "admin@acme.example", name: "Acme admin", passwordHash: "x", role: "TENANT_ADMIN", tenantId: tenant.id },
      { email: "noc@msp.example", name: "MSP", passwordHash: "x", role: "MSP_ADMIN" },
      { email: "admin@other.example", name: "Other admin", passwordHash: "x", role: "TENANT_ADMIN", tenantId: other.id },
    ],
  });
  return {
    db,
    prisma,
    smtp,
    ctx,
    clock,
    bus,
    sweeper,
    published,
    tenantId: tenant.id,
    otherTenantId: other.id,
    servers,
    async traveler(overrides = {}) {
      const { traveler } = await createTraveler(ctx, "operator:test", {
        tenantId: tenant.id,
        pin: "135790",
        name: "Ann Road",
        email: "ann@road.example",
        scopeGroups: [],
        scopeServerIds: [],
        services: ["sip", "rtp", "iax2", "webrtc"],
        grantLifetimeHours: 168,
        maxActiveGrants: 3,
        enabled: true,
        ...overrides,
      });
      return traveler.id;
    },
    async accountOf(travelerId) {
      return (await prisma.traveler.findUniqueOrThrow({ where: { id: travelerId } })).accountNumber;
    },
    async close() {
      await sweeper.close();
      await ctx.background.drain();
      ctx.mailer.close();
      await smtp.close();
      await db.drop();
    },
  };
}
