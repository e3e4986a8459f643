// A hostile tenant admin tries to learn about the other tenants through the answers the control
// plane gives them: which account numbers exist, whose e-mail addresses are registered, who
// else is told about a lockout. Every such answer is the same whoever the other party is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { createTraveler } from "../src/travelers/accounts.ts";
import { alertOperators } from "../src/travelers/alerts.ts";
import { travelersExtension } from "../src/travelers/extension.ts";
import { ADMIN_EMAIL, errorOf, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest, startTestSmtpServer, type TestSmtpServer } from "./kit/index.ts";

let test: PlaneUnderTest;
let smtp: TestSmtpServer;
let fleet: Fleet;
let acmeAdmin: Api;
let acmeToken: string;
const password = "a long enough password";
const ACME_ADMIN = "acme-admin@example.net";
const ACME_VIEWER = "acme-viewer@example.net";
const BRAVO_ADMIN = "bravo-admin@example.net";
const BRAVO_VIEWER = "bravo-viewer@example.net";

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
    env: { SMTP_URL: smtp.url },
    travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } },
    extensions: [travelersExtension()],
  });
  fleet = await seedFleet(test.admin);
  const operator = (email: string, role: "TENANT_ADMIN" | "VIEWER", tenantId: string) =>
    test.admin.operators.create.mutate({ email, name: email.split("@")[0] ?? email, password, role, tenantId });
  await operator(ACME_ADMIN, "TENANT_ADMIN", fleet.tenantA.id);
  await operator(ACME_VIEWER, "VIEWER", fleet.tenantA.id);
  await operator(BRAVO_ADMIN, "TENANT_ADMIN", fleet.tenantB.id);
  await operator(BRAVO_VIEWER, "VIEWER", fleet.tenantB.id);
  acmeToken = (await test.client().auth.login.mutate({ email: ACME_ADMIN, password })).token;
  acmeAdmin = test.client(acmeToken);
});
afterAll(async () => {
  await test?.stop();
  await smtp?.close();
});

/** The whole HTTP answer to Acme's admin calling operators.create, byte for byte. */
async function createOperatorAnswer(email: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${test.plane.url}/trpc/operators.create`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${acmeToken}` },
    body: JSON.stringify({ email, name: "Probe", password, role: "VIEWER", tenantId: fleet.tenantA.id }),
  });
  return { status: response.status, body: await response.text() };
}

describe("a tenant admin cannot tell whose an e-mail address is", () => {
  it("gets the same answer for an MSP admin's, another tenant's and their own tenant's address", async () => {
    const operatorsBefore = await test.db.prisma.operator.count();
    const mspAdmins = await createOperatorAnswer(ADMIN_EMAIL);
    const otherTenant = await createOperatorAnswer(BRAVO_VIEWER);
    const ownTenant = await createOperatorAnswer(ACME_VIEWER);
    const otherTenantShouted = await createOperatorAnswer(BRAVO_ADMIN.toUpperCase());

    expect(mspAdmins.status).toBe(409);
    expect(otherTenant).toEqual(mspAdmins);
    expect(ownTenant).toEqual(mspAdmins);
    expect(otherTenantShouted).toEqual(mspAdmins);
    const error = await errorOf(acmeAdmin.operators.create.mutate({ email: ADMIN_EMAIL, name: "Probe", password, role: "VIEWER", tenantId: fleet.tenantA.id }));
    expect(error).toEqual({ code: "CONFLICT", message: "that e-mail cannot be used; choose another", field: "email" });
    for (const word of ["MSP", "admin", "Bravo", "tenant", fleet.tenantB.id]) expect(mspAdmins.body).not.toContain(word);
    expect(await test.db.prisma.operator.count()).toBe(operatorsBefore);
  });

  it("sees no other tenant's or MSP admin's address in the operators list or the audit log", async () => {
    const { operators: listed } = await acmeAdmin.operators.list.query({});
    expect(listed.map((operator) => operator.email).sort()).toEqual([ACME_ADMIN, ACME_VIEWER]);
    const audit = JSON.stringify(await acmeAdmin.audit.list.query({ limit: 100 }));
    expect(audit).toContain(ACME_VIEWER);
    for (const email of [ADMIN_EMAIL, BRAVO_ADMIN, BRAVO_VIEWER]) expect(audit).not.toContain(email);
  });
});

describe("a tenant admin cannot probe account numbers", () => {
  it("every traveler gets a distinct random 8-digit account number the control plane drew", async () => {
    const numbers: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      const { traveler } = await acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, name: `Rover ${index}`, email: `rover${index}@road.example` });
      numbers.push(traveler.accountNumber);
    }
    for (const number of numbers) expect(number).toMatch(/^[1-9][0-9]{7}$/);
    expect(new Set(numbers).size).toBe(numbers.length);
    const sorted = [...numbers].sort();
    expect(numbers).not.toEqual(sorted);
    expect(numbers.slice(1).some((number, index) => Number(number) !== Number(numbers[index]) + 1)).toBe(true);
  });

  it("an account number of their choosing is refused the same, taken by another tenant or free", async () => {
    const { traveler: bravos } = await test.admin.travelers.create.mutate({ tenantId: fleet.tenantB.id, name: "Bravo Bea", email: "bea@bravo.example" });
    const travelersBefore = await test.db.prisma.traveler.count();
    const attempt = (accountNumber: string) => {
      const chosen = { tenantId: fleet.tenantA.id, name: "Probe", email: "probe@road.example", accountNumber };
      return errorOf(acmeAdmin.travelers.create.mutate(chosen));
    };
    const taken = await attempt(bravos.accountNumber);
    const free = await attempt("98765432");
    expect(taken.code).toBe("BAD_REQUEST");
    expect(free).toEqual(taken);
    expect(taken.message).not.toContain(bravos.accountNumber);
    expect(await test.db.prisma.traveler.count()).toBe(travelersBefore);
  });

  it("a drawn number that is already taken is drawn again", async () => {
    const { traveler: existing } = await test.admin.travelers.create.mutate({ tenantId: fleet.tenantB.id, name: "Bravo Ben", email: "ben@bravo.example" });
    const draws = [existing.accountNumber, "87654321"];
    const { traveler } = await createTraveler(
      test.plane.app.travelers,
      "operator:test",
      { tenantId: fleet.tenantA.id, name: "Lucky", email: "lucky@road.example", scopeGroups: [], scopeServerIds: [], services: ["sip"], grantLifetimeHours: 24, maxActiveGrants: 3, enabled: true },
      () => draws.shift() ?? "11111111",
    );
    expect(traveler.accountNumber).toBe("87654321");
    expect(draws).toEqual([]);
  });
});

describe("lockout alerts reach each operator who may see the tenant, alone", () => {
  const alertsAbout = (marker: string) => smtp.received.filter((mail) => mail.subject.includes(marker) || mail.text.includes(marker));

  it("an Acme traveler's locked account is mailed to Acme's admin and the MSP admin, one mail each, never to Bravo", async () => {
    const travelers = test.plane.app.travelers;
    alertOperators(travelers, fleet.tenantA.id, { kind: "account-locked", travelerName: "Locked Lou", accountNumber: "55500011", until: test.clock.now(), lastSubject: "caller:+15550001111" });
    await travelers.background.drain();
    const mails = alertsAbout("55500011");
    expect(mails.map((mail) => mail.to)).toEqual(expect.arrayContaining([[ACME_ADMIN], [ADMIN_EMAIL]]));
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.headers.to).toBe(mail.to[0]);
      expect(mail.headers.cc).toBeUndefined();
      expect(mail.headers.bcc).toBeUndefined();
    }
    expect(smtp.received.filter((mail) => mail.to.includes(BRAVO_ADMIN) || mail.to.includes(ACME_VIEWER))).toEqual([]);
  });

  it("a refused caller ID, refused for every tenant, is mailed to the MSP admin only", async () => {
    const travelers = test.plane.app.travelers;
    alertOperators(travelers, fleet.tenantA.id, { kind: "caller-blocked", subject: "caller:+15550002222", failures: 10, travelerName: "Locked Lou" });
    await travelers.background.drain();
    expect(alertsAbout("+15550002222").map((mail) => mail.to)).toEqual([[ADMIN_EMAIL]]);
  });

  it("a failed alert to the MSP admin is audited where no tenant admin reads it", async () => {
    const travelers = test.plane.app.travelers;
    smtp.refuseNext(1, ADMIN_EMAIL);
    alertOperators(travelers, fleet.tenantA.id, { kind: "account-locked", travelerName: "Locked Lia", accountNumber: "55500033", until: test.clock.now(), lastSubject: "web:203.0.113.9" });
    await travelers.background.drain();
    expect(alertsAbout("55500033").map((mail) => mail.to)).toEqual([[ACME_ADMIN]]);
    const failed = await test.db.prisma.auditEvent.findMany({ where: { action: "mail.failed" } });
    expect(failed.map((event) => event.tenantId)).toEqual([null]);
    expect(JSON.stringify(await acmeAdmin.audit.list.query({ action: "mail.failed" }))).not.toContain(ADMIN_EMAIL);
  });
});
