// A traveler whose access is taken away cannot go on using what they already hold. An operator
// resets a PIN (the traveler's phone was stolen, or the PIN leaked) or disables the traveler:
// the traveler page session opened before, and a single-use link mailed before, stop working
// at once, not when they would have expired (10 and 15 minutes later).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { requestLink } from "../src/travelers/links.ts";
import { travelersExtension } from "../src/travelers/extension.ts";
import { errorOf, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest, startTestSmtpServer, type TestSmtpServer } from "./kit/index.ts";

let test: PlaneUnderTest;
let smtp: TestSmtpServer;
let fleet: Fleet;
let acmeAdmin: Api;
const PIN = "135790";

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
    env: { SMTP_URL: smtp.url, ALLOW_DOCUMENTATION_ADDRESSES: "true", TRUSTED_PROXIES: "127.0.0.1" },
    travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } },
    extensions: [travelersExtension()],
  });
  fleet = await seedFleet(test.admin);
  await test.admin.operators.create.mutate({ email: "acme-admin@example.net", name: "Acme admin", password: "a long enough password", role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
  acmeAdmin = await test.signIn("acme-admin@example.net", "a long enough password");
});
afterAll(async () => {
  await test?.stop();
  await smtp?.close();
});

let travelers = 0;
async function newTraveler(): Promise<{ id: string; accountNumber: string; email: string }> {
  travelers += 1;
  const email = `walker${travelers}@road.example`;
  const { traveler } = await acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, pin: PIN, name: `Walker ${travelers}`, email });
  return { id: traveler.id, accountNumber: traveler.accountNumber, email };
}

/** POST a form to a traveler page, from `address` (the control plane trusts 127.0.0.1 as a proxy). */
async function post(path: string, form: Record<string, string>, address: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${test.plane.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, text: await response.text() };
}

async function openSession(accountNumber: string, pin: string, address: string): Promise<string> {
  const login = await post("/traveler", { account: accountNumber, pin }, address);
  expect(login.status).toBe(200);
  const session = /name="session" value="([^"]+)"/.exec(login.text)?.[1];
  expect(session).toBeDefined();
  return session ?? "";
}

/** Ask for a link as the IVR does, and read its token from the mail the traveler gets. */
async function mailedLink(traveler: { id: string; email: string }): Promise<string> {
  const before = smtp.received.filter((mail) => mail.to.includes(traveler.email)).length;
  expect(await requestLink(test.plane.app.travelers, { travelerId: traveler.id, requestedBy: `traveler:${traveler.id}` })).toBe(true);
  const mails = smtp.received.filter((mail) => mail.to.includes(traveler.email));
  expect(mails).toHaveLength(before + 1);
  return /\/traveler\/link\?token=([A-Za-z0-9_-]+)/.exec(mails.at(-1)?.text ?? "")?.[1] ?? "";
}

const allowThisDevice = (session: string, address: string) => post("/traveler/grants", { session, action: "allow", grant: "" }, address);
const grantsOf = (travelerId: string) => test.db.prisma.travelerGrant.count({ where: { travelerId } });

describe("an operator's PIN reset ends what the old PIN opened", () => {
  it("the page session opened with the old PIN is refused at once and allows nothing", async () => {
    const traveler = await newTraveler();
    const stolen = await openSession(traveler.accountNumber, PIN, "203.0.113.21");
    expect((await allowThisDevice(stolen, "203.0.113.21")).text).toContain("203.0.113.21 is allowed.");
    expect(await grantsOf(traveler.id)).toBe(1);

    const { generatedPin } = await acmeAdmin.travelers.resetPin.mutate({ travelerId: traveler.id });

    const refused = await allowThisDevice(stolen, "203.0.113.22");
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("Your session has ended");
    expect(await grantsOf(traveler.id)).toBe(1);
    const fresh = await openSession(traveler.accountNumber, generatedPin ?? "", "203.0.113.23");
    expect((await allowThisDevice(fresh, "203.0.113.23")).text).toContain("203.0.113.23 is allowed.");
  });

  it("an unused link mailed before the reset no longer grants, and the reset's audit says so", async () => {
    const traveler = await newTraveler();
    const token = await mailedLink(traveler);
    await acmeAdmin.travelers.resetPin.mutate({ travelerId: traveler.id, pin: "24681357" });

    const shown = await fetch(`${test.plane.url}/traveler/link?token=${token}`, { headers: { "x-forwarded-for": "203.0.113.31" } });
    expect(shown.status).toBe(404);
    expect((await post("/traveler/link", { token }, "203.0.113.31")).status).toBe(404);
    expect(await grantsOf(traveler.id)).toBe(0);
    const reset = await test.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "traveler.pin.reset", targetId: traveler.id } });
    expect(reset.after).toMatchObject({ linksEnded: 1 });

    const afterReset = await mailedLink(traveler);
    expect((await post("/traveler/link", { token: afterReset }, "203.0.113.32")).status).toBe(200);
    expect(await grantsOf(traveler.id)).toBe(1);
  });
});

describe("disabling or deleting a traveler ends their sessions and links", () => {
  it("a disabled traveler's session and link are refused, and stay refused after enabling again", async () => {
    const traveler = await newTraveler();
    const session = await openSession(traveler.accountNumber, PIN, "203.0.113.41");
    const token = await mailedLink(traveler);

    await acmeAdmin.travelers.setEnabled.mutate({ travelerId: traveler.id, enabled: false });
    expect((await allowThisDevice(session, "203.0.113.41")).status).toBe(401);
    expect((await post("/traveler/link", { token }, "203.0.113.41")).status).toBe(404);

    await acmeAdmin.travelers.setEnabled.mutate({ travelerId: traveler.id, enabled: true });
    expect((await allowThisDevice(session, "203.0.113.41")).status).toBe(401);
    expect((await post("/traveler/link", { token }, "203.0.113.41")).status).toBe(404);
    expect(await grantsOf(traveler.id)).toBe(0);
  });

  it("a deleted traveler's session is refused", async () => {
    const traveler = await newTraveler();
    const session = await openSession(traveler.accountNumber, PIN, "203.0.113.51");
    await acmeAdmin.travelers.delete.mutate({ travelerId: traveler.id });
    const refused = await allowThisDevice(session, "203.0.113.51");
    expect(refused.status).toBe(401);
    expect(await test.db.prisma.travelerGrant.count({ where: { address: "203.0.113.51" } })).toBe(0);
    expect((await errorOf(acmeAdmin.travelers.get.query({ travelerId: traveler.id }))).code).toBe("NOT_FOUND");
  });

  it("changing a traveler's other settings leaves their session working", async () => {
    const traveler = await newTraveler();
    const session = await openSession(traveler.accountNumber, PIN, "203.0.113.61");
    await acmeAdmin.travelers.update.mutate({ travelerId: traveler.id, grantLifetimeHours: 24 });
    expect((await allowThisDevice(session, "203.0.113.61")).text).toContain("203.0.113.61 is allowed.");
  });
});
