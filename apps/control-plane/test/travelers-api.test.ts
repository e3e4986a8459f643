// Operators manage travelers over the real tRPC API (HTTP), and tenant isolation holds for
// every travelers.* procedure: Acme's admin cannot read or touch Bravo's travelers or grants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { appRouter } from "../src/api/router.ts";
import { travelersExtension } from "../src/travelers/extension.ts";
import { errorOf, revisions, seedFleet, startUnderTest, type Api, type Fleet, type PlaneUnderTest, startTestSmtpServer, type TestSmtpServer } from "./kit/index.ts";

let test: PlaneUnderTest;
let smtp: TestSmtpServer;
let fleet: Fleet;
let acmeAdmin: Api;
let acmeViewer: Api;
let bravo: { travelerId: string; grantId: string };
const password = "a long enough password";

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
    env: { SMTP_URL: smtp.url, ALLOW_DOCUMENTATION_ADDRESSES: "true" },
    travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } },
    extensions: [travelersExtension()],
  });
  fleet = await seedFleet(test.admin);
  await test.admin.operators.create.mutate({ email: "acme-admin@example.net", name: "Acme admin", password, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
  await test.admin.operators.create.mutate({ email: "acme-viewer@example.net", name: "Acme viewer", password, role: "VIEWER", tenantId: fleet.tenantA.id });
  acmeAdmin = await test.signIn("acme-admin@example.net", password);
  acmeViewer = await test.signIn("acme-viewer@example.net", password);
  const { traveler } = await test.admin.travelers.create.mutate({ tenantId: fleet.tenantB.id, pin: "246810", name: "Bravo Bob", email: "bob@bravo.example" });
  const grant = await test.admin.travelers.grant.mutate({ travelerId: traveler.id, address: "198.51.100.9" });
  bravo = { travelerId: traveler.id, grantId: grant.id };
});
afterAll(async () => {
  await test?.stop();
  await smtp?.close();
});

describe("operators manage travelers", () => {
  it("create (PIN generated once, never shown again), list, update, disable, reset the PIN, delete", async () => {
    const created = await acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, name: "Ann", email: "ann@acme.example", scopeGroups: ["nyc"] });
    expect(created.generatedPin).toMatch(/^[0-9]{8}$/);
    expect(created.traveler.accountNumber).toMatch(/^[1-9][0-9]{7}$/);
    expect(created.traveler).toMatchObject({ services: ["sip", "rtp", "iax2", "webrtc"], grantLifetimeHours: 168, maxActiveGrants: 3, enabled: true, scopeGroups: ["nyc"] });
    expect(JSON.stringify(created.traveler)).not.toContain("pinHash");
    const id = created.traveler.id;
    expect((await acmeAdmin.travelers.list.query({})).travelers.map((traveler) => traveler.id)).toEqual([id]);
    expect(JSON.stringify(await acmeAdmin.travelers.get.query({ travelerId: id }))).not.toContain("argon2");

    const updated = await acmeAdmin.travelers.update.mutate({ travelerId: id, grantLifetimeHours: 24, services: ["sip", "rtp"] });
    expect(updated).toMatchObject({ grantLifetimeHours: 24, services: ["sip", "rtp"], name: "Ann" });
    expect((await acmeAdmin.travelers.setEnabled.mutate({ travelerId: id, enabled: false })).enabled).toBe(false);
    expect((await acmeAdmin.travelers.resetPin.mutate({ travelerId: id, pin: "97531864" })).generatedPin).toBeNull();
    expect((await acmeAdmin.travelers.resetPin.mutate({ travelerId: id })).generatedPin).toMatch(/^[0-9]{8}$/);
    const audit = await test.db.prisma.auditEvent.findMany({ where: { targetId: id } });
    expect(audit.map((event) => event.action).sort()).toEqual(["traveler.created", "traveler.pin.reset", "traveler.pin.reset", "traveler.updated", "traveler.updated"]);
    expect(JSON.stringify(audit)).not.toContain("97531864");
    expect(await acmeAdmin.travelers.delete.mutate({ travelerId: id })).toEqual({ deleted: true });
  });

  it("grant an address for a traveler, list grants and revoke one: revisions move, the agents are told", async () => {
    const { traveler } = await acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, pin: "135790", name: "Cy", email: "cy@acme.example", scopeServerIds: [fleet.serverA2] });
    const before = await revisions(test);
    const grant = await acmeAdmin.travelers.grant.mutate({ travelerId: traveler.id, address: "203.0.113.30" });
    expect(grant).toMatchObject({ address: "203.0.113.30", channel: "OPERATOR", status: "active" });
    expect((await revisions(test))[fleet.serverA2]).toBe((before[fleet.serverA2] ?? 0) + 1);
    expect((await revisions(test))[fleet.serverA1]).toBe(before[fleet.serverA1]);
    expect((await acmeAdmin.travelers.grants.query({ travelerId: traveler.id })).grants.map((row) => row.id)).toEqual([grant.id]);
    const revoked = await acmeAdmin.travelers.revokeGrant.mutate({ grantId: grant.id });
    expect(revoked.status).toBe("revoked");
    expect((await acmeAdmin.travelers.grants.query({ travelerId: traveler.id })).grants).toEqual([]);
    expect((await acmeAdmin.travelers.grants.query({ travelerId: traveler.id, activeOnly: false })).grants.map((row) => row.status)).toEqual(["revoked"]);
    expect((await errorOf(acmeAdmin.travelers.revokeGrant.mutate({ grantId: grant.id }))).code).toBe("CONFLICT");
  });

  it.each([
    ["a short PIN", { pin: "12345" }, "BAD_REQUEST"],
    ["an unknown service", { services: ["telnet"] }, "BAD_REQUEST"],
    ["an account number of the operator's choosing", { accountNumber: "12345678" }, "BAD_REQUEST"],
  ])("refuses %s", async (_what, fields, code) => {
    const error = await errorOf(acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, name: "X", email: "x@acme.example", ...fields }));
    expect(error.code).toBe(code);
  });

  it("refuses to grant a private address", async () => {
    const { traveler } = await acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, name: "Di", email: "di@acme.example" });
    expect((await errorOf(acmeAdmin.travelers.grant.mutate({ travelerId: traveler.id, address: "192.168.1.2" }))).message).toContain("private");
  });
});

describe("tenant isolation for travelers", () => {
  const denied: Record<string, (b: typeof bravo) => Promise<unknown>> = {
    "travelers.get": (b) => acmeAdmin.travelers.get.query({ travelerId: b.travelerId }),
    "travelers.list": () => acmeAdmin.travelers.list.query({ tenantId: fleet.tenantB.id }),
    "travelers.create": () => acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantB.id, name: "Spy", email: "spy@acme.example" }),
    "travelers.update": (b) => acmeAdmin.travelers.update.mutate({ travelerId: b.travelerId, email: "spy@acme.example" }),
    "travelers.setEnabled": (b) => acmeAdmin.travelers.setEnabled.mutate({ travelerId: b.travelerId, enabled: false }),
    "travelers.resetPin": (b) => acmeAdmin.travelers.resetPin.mutate({ travelerId: b.travelerId, pin: "11112222" }),
    "travelers.delete": (b) => acmeAdmin.travelers.delete.mutate({ travelerId: b.travelerId }),
    "travelers.grants": (b) => acmeAdmin.travelers.grants.query({ travelerId: b.travelerId }),
    "travelers.grant": (b) => acmeAdmin.travelers.grant.mutate({ travelerId: b.travelerId, address: "203.0.113.66" }),
    "travelers.revokeGrant": (b) => acmeAdmin.travelers.revokeGrant.mutate({ grantId: b.grantId }),
  };

  /** The plane's own phone settings (DID, IVR on, mail mode): no tenant's data, the same for every operator. */
  const TENANTLESS = ["travelers.phoneSetup"];

  it("covers every travelers procedure", () => {
    const procedures = Object.keys(appRouter._def.procedures).filter((path) => path.startsWith("travelers.") && !TENANTLESS.includes(path));
    expect(procedures.sort()).toEqual(Object.keys(denied).sort());
  });

  it("Acme's admin gets NOT_FOUND for every Bravo traveler and grant, and nothing of Bravo changes", async () => {
    const snapshot = async () => ({
      travelers: await test.db.prisma.traveler.findMany({ where: { tenantId: fleet.tenantB.id } }),
      grants: await test.db.prisma.travelerGrant.findMany({ where: { traveler: { tenantId: fleet.tenantB.id } } }),
      revisions: await revisions(test),
    });
    const before = await snapshot();
    for (const [path, attempt] of Object.entries(denied)) {
      expect({ path, code: (await errorOf(attempt(bravo))).code }).toEqual({ path, code: "NOT_FOUND" });
    }
    expect(await snapshot()).toEqual(before);
    const listed = JSON.stringify(await acmeAdmin.travelers.list.query({}));
    expect(listed).not.toContain(bravo.travelerId);
    expect(JSON.stringify(await acmeAdmin.travelers.grants.query({ activeOnly: false }))).not.toContain(bravo.grantId);
  });

  it("a scope naming another tenant's server is refused", async () => {
    const error = await errorOf(acmeAdmin.travelers.create.mutate({ tenantId: fleet.tenantA.id, name: "Ed", email: "ed@acme.example", scopeServerIds: [fleet.serverB1] }));
    expect(error.code).toBe("NOT_FOUND");
  });

  it("a viewer reads but changes nothing", async () => {
    expect((await acmeViewer.travelers.list.query({})).travelers).toBeInstanceOf(Array);
    const error = await errorOf(acmeViewer.travelers.create.mutate({ tenantId: fleet.tenantA.id, name: "Vi", email: "vi@acme.example" }));
    expect(error.code).toBe("FORBIDDEN");
  });
});
