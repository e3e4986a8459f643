// The travelers service on a real database with a real SMTP server: accounts, PIN checks and
// lockouts, grants (entries, audit, revisions, mail), revocation and expiry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isGatehouseError } from "@gatehouse/core";
import { createTraveler, deleteTraveler, listTravelers, resetPin, updateTraveler } from "../src/travelers/accounts.ts";
import { createGrant, revokeGrant } from "../src/travelers/grants.ts";
import { callerSource, LOCKOUT_POLICY, verifyTraveler } from "../src/travelers/verification.ts";
import { revisions, travelersFixture, type TravelersFixture } from "./kit/index.ts";

let f: TravelersFixture;
beforeAll(async () => {
  f = await travelersFixture();
});
afterAll(async () => f?.close());

const minutes = (count: number) => count * 60_000;
function advance(ms: number): void {
  f.clock.now = new Date(f.clock.now.getTime() + ms);
}
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => new Error("expected a rejection"), (error: unknown) => error);
}
async function mailsTo(address: string, count: number) {
  await f.ctx.background.drain();
  const all = await f.smtp.waitForMessages(0);
  const mine = all.filter((mail) => mail.to.includes(address));
  expect(mine.length).toBeGreaterThanOrEqual(count);
  return mine;
}

describe("traveler accounts", () => {
  it("keeps only an argon2id hash of the PIN and never shows it", async () => {
    const { traveler, generatedPin } = await createTraveler(f.ctx, "operator:test", {
      tenantId: f.tenantId, pin: "246813", name: "Bo", email: "bo@road.example",
      scopeGroups: [], scopeServerIds: [], services: ["sip"], grantLifetimeHours: 24, maxActiveGrants: 3, enabled: true,
    });
    expect(generatedPin).toBeNull();
    expect(traveler).not.toHaveProperty("pinHash");
    const stored = await f.prisma.traveler.findUniqueOrThrow({ where: { id: traveler.id } });
    expect(stored.pinHash).toMatch(/^\$argon2id\$/);
    expect(stored.pinHash).not.toContain("246813");
    const audit = await f.prisma.auditEvent.findFirstOrThrow({ where: { action: "traveler.created", targetId: traveler.id } });
    expect(JSON.stringify(audit)).not.toContain(stored.pinHash);
    expect((await listTravelers(f.ctx, [f.tenantId])).travelers.map((view) => view.id)).toContain(traveler.id);
    expect((await listTravelers(f.ctx, [f.otherTenantId])).travelers).toEqual([]);
  });

  it("generates a PIN when none is given, returned once, which then works", async () => {
    const { traveler, generatedPin } = await createTraveler(f.ctx, "operator:test", {
      tenantId: f.tenantId, name: "Cy", email: "cy@road.example",
      scopeGroups: [], scopeServerIds: [], services: ["sip"], grantLifetimeHours: 24, maxActiveGrants: 3, enabled: true,
    });
    expect(generatedPin).toMatch(/^[0-9]{8}$/);
    const result = await verifyTraveler(f.ctx, { accountNumber: traveler.accountNumber, pin: generatedPin ?? "", source: callerSource("10000000002") });
    expect(result.ok && result.traveler.id).toBe(traveler.id);
  });

  it.each([
    ["a short PIN", { pin: "12345" }, "BAD_INPUT"],
    ["a PIN with letters", { pin: "12345a" }, "BAD_INPUT"],
    ["another tenant's server in scope", { scopeServerIds: ["__other__"] }, "BAD_INPUT"],
    ["an unknown service", { services: ["telnet"] }, "BAD_INPUT"],
  ])("refuses %s", async (_what, overrides, code) => {
    const input = {
      tenantId: f.tenantId, pin: "135790", name: "X", email: "x@road.example",
      scopeGroups: [], scopeServerIds: [] as string[], services: ["sip"], grantLifetimeHours: 24, maxActiveGrants: 3, enabled: true,
      ...overrides,
    };
    if (input.scopeServerIds[0] === "__other__") input.scopeServerIds = [f.servers.otherTenant];
    const error = await rejection(createTraveler(f.ctx, "operator:test", input));
    expect(isGatehouseError(error, code as never)).toBe(true);
  });
});

describe("checking account and PIN", () => {
  it("answers the same for an unknown account and a wrong PIN, and audits both", async () => {
    const accountNumber = await f.accountOf(await f.traveler());
    const wrongPin = await verifyTraveler(f.ctx, { accountNumber, pin: "000000", source: callerSource("10000000100") });
    const unknown = await verifyTraveler(f.ctx, { accountNumber: "699999", pin: "135790", source: callerSource("10000000100") });
    expect(wrongPin).toEqual({ ok: false, reason: "invalid" });
    expect(unknown).toEqual(wrongPin);
    const failures = await f.prisma.auditEvent.findMany({ where: { action: "traveler.login.failed" }, orderBy: { at: "asc" } });
    expect(failures.slice(-2).map((event) => (event.after as { why: string }).why)).toEqual(["wrong-pin", "unknown-account"]);
  });

  it("after 20 wrong PINs in an hour from strangers, shuts the account to unknown callers (not to one it was used from), and alerts the tenant's and the MSP's admins each in a mail of their own", async () => {
    const id = await f.traveler({ name: "Di Lock" });
    const accountNumber = await f.accountOf(id);
    expect((await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source: callerSource("19999999998") })).ok).toBe(true);
    for (let attempt = 0; attempt < LOCKOUT_POLICY.account.max; attempt += 1) {
      await verifyTraveler(f.ctx, { accountNumber, pin: "111111", source: callerSource(`100000002${String(attempt).padStart(2, "0")}`) });
    }
    const locked = await f.prisma.traveler.findUniqueOrThrow({ where: { id } });
    expect(locked.lockedUntil).toEqual(new Date(f.clock.now.getTime() + minutes(60)));
    expect(await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source: callerSource("19999999999") })).toEqual({ ok: false, reason: "invalid" });
    expect((await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source: callerSource("19999999998") })).ok).toBe(true);
    expect(await f.prisma.auditEvent.count({ where: { action: "traveler.locked", targetId: id } })).toBe(1);
    const [alert] = (await mailsTo("admin@acme.example", 1)).filter((mail) => mail.subject.includes(accountNumber));
    expect(alert?.to).toEqual(["admin@acme.example"]);
    expect(alert?.text).toContain("Di Lock");
    expect((await mailsTo("noc@msp.example", 1)).filter((mail) => mail.subject.includes(accountNumber))).toHaveLength(1);
    advance(minutes(60) + 1);
    const after = await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source: callerSource("19999999999") });
    expect(after.ok).toBe(true);
  });

  it("refuses a caller ID with 10 failures in an hour, even with the right PIN, until the hour has passed", async () => {
    const accountNumber = await f.accountOf(await f.traveler());
    const source = callerSource("10000000300");
    for (let attempt = 0; attempt < LOCKOUT_POLICY.source.max; attempt += 1) {
      await verifyTraveler(f.ctx, { accountNumber: `6999${attempt}`, pin: "111111", source });
    }
    expect(await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source })).toEqual({ ok: false, reason: "subject-blocked" });
    expect(await f.prisma.auditEvent.count({ where: { action: "traveler.subject.blocked" } })).toBe(1);
    const alerts = (await mailsTo("noc@msp.example", 1)).filter((mail) => mail.subject.includes("10000000300"));
    expect(alerts).toHaveLength(1);
    expect((await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source: callerSource("10000000301") })).ok).toBe(true);
    advance(minutes(61));
    expect((await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source })).ok).toBe(true);
  });

  it("a disabled traveler cannot log in, and an operator's PIN reset lifts a lock", async () => {
    const id = await f.traveler({ enabled: false });
    const accountNumber = await f.accountOf(id);
    expect((await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source: callerSource("1400") })).ok).toBe(false);
    await updateTraveler(f.ctx, "operator:test", id, { enabled: true });
    for (let attempt = 0; attempt < LOCKOUT_POLICY.account.max; attempt += 1) {
      await verifyTraveler(f.ctx, { accountNumber, pin: "111111", source: callerSource(`14${String(attempt).padStart(2, "0")}`) });
    }
    expect((await verifyTraveler(f.ctx, { accountNumber, pin: "135790", source: callerSource("1400") })).ok).toBe(false);
    const { generatedPin } = await resetPin(f.ctx, "operator:test", id, undefined);
    expect((await verifyTraveler(f.ctx, { accountNumber, pin: generatedPin ?? "", source: callerSource("1400") })).ok).toBe(true);
    const reset = await f.prisma.auditEvent.findFirstOrThrow({ where: { action: "traveler.pin.reset", targetId: id } });
    expect(JSON.stringify(reset)).not.toContain(generatedPin ?? "none");
  });
});

describe("a grant", () => {
  it("allows the address on every server of the tenant, audited, revisions bumped, and mails the traveler", async () => {
    const id = await f.traveler({ email: "eve@road.example", name: "Eve" });
    const all = Object.values(f.servers);
    const before = await revisions(f.prisma, all);
    const publishedBefore = f.published.length;
    const { grant, servers } = await createGrant(f.ctx, { travelerId: id, address: "203.0.113.7", channel: "IVR", actor: `traveler:${id}` });
    expect(grant.expiresAt).toEqual(new Date(f.clock.now.getTime() + 168 * 3_600_000));
    expect(servers.map((server) => server.name)).toEqual(["pbx-sales-1", "pbx-sales-2", "pbx-support"]);
    const entries = await f.prisma.allowEntry.findMany({ where: { travelerGrantId: grant.id } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ source: "203.0.113.7", sourceKind: "ip", scope: "TENANT", tenantId: f.tenantId, origin: "TRAVELER", expiresAt: grant.expiresAt, services: ["sip", "rtp", "iax2", "webrtc"] });
    const after = await revisions(f.prisma, all);
    expect(after).toEqual({ ...before, [f.servers.sales1]: (before[f.servers.sales1] ?? 0) + 1, [f.servers.sales2]: (before[f.servers.sales2] ?? 0) + 1, [f.servers.support]: (before[f.servers.support] ?? 0) + 1 });
    expect(await f.prisma.auditEvent.count({ where: { action: "traveler.grant.created", targetId: grant.id } })).toBe(1);
    expect(f.published.slice(publishedBefore)).toEqual(
      [f.servers.sales1, f.servers.sales2, f.servers.support].sort().map((serverId) => ({ serverId, revision: after[serverId] })),
    );
    const [mail] = await mailsTo("eve@road.example", 1);
    expect(mail?.subject).toContain("203.0.113.7");
    expect(mail?.text).toContain("Your address 203.0.113.7 was allowed by phone.");
    expect(mail?.text).toContain("pbx-sales-1");
    expect(mail?.text).toContain("pbx-support");
    expect(mail?.text).toContain(grant.expiresAt.toISOString());
    expect(mail?.raw).not.toContain("135790");
    expect((await f.prisma.travelerGrant.findUniqueOrThrow({ where: { id: grant.id } })).mailedAt).not.toBeNull();
  });

  it("covers only the traveler's groups and servers", async () => {
    const id = await f.traveler({ scopeGroups: ["sales"] });
    const before = await revisions(f.prisma, Object.values(f.servers));
    const { grant, servers } = await createGrant(f.ctx, { travelerId: id, address: "198.51.100.20", channel: "IVR", actor: "t" });
    expect(servers.map((server) => server.name)).toEqual(["pbx-sales-1", "pbx-sales-2"]);
    const entries = await f.prisma.allowEntry.findMany({ where: { travelerGrantId: grant.id } });
    expect(entries.map((entry) => [entry.scope, entry.groupName, entry.tenantId])).toEqual([["GROUP", "sales", f.tenantId]]);
    const after = await revisions(f.prisma, Object.values(f.servers));
    expect(after[f.servers.support]).toBe(before[f.servers.support]);
    expect(after[f.servers.otherTenant]).toBe(before[f.servers.otherTenant]);
    expect(after[f.servers.sales1]).toBe((before[f.servers.sales1] ?? 0) + 1);
  });

  it("replaces the oldest when over the maximum, and renews the same address", async () => {
    const id = await f.traveler({ maxActiveGrants: 2 });
    const grant = (address: string) => createGrant(f.ctx, { travelerId: id, address, channel: "IVR", actor: "t" });
    const first = await grant("203.0.113.31");
    advance(1_000);
    const second = await grant("203.0.113.32");
    advance(1_000);
    const third = await grant("203.0.113.33");
    expect(third.replacedGrantIds).toEqual([first.grant.id]);
    expect(await f.prisma.allowEntry.count({ where: { travelerGrantId: first.grant.id } })).toBe(0);
    expect((await f.prisma.travelerGrant.findUniqueOrThrow({ where: { id: first.grant.id } })).revokedAt).not.toBeNull();
    advance(1_000);
    const renewed = await grant("203.0.113.32");
    expect(renewed.replacedGrantIds).toEqual([second.grant.id]);
    const active = await f.prisma.travelerGrant.findMany({ where: { travelerId: id, revokedAt: null }, orderBy: { createdAt: "asc" } });
    expect(active.map((g) => g.address)).toEqual(["203.0.113.33", "203.0.113.32"]);
  });

  it.each([["10.1.2.3"], ["127.0.0.1"], ["not-an-address"], ["100.64.1.1"]])("refuses %s", async (address) => {
    const id = await f.traveler();
    const error = await rejection(createGrant(f.ctx, { travelerId: id, address, channel: "OPERATOR", actor: "t" }));
    expect(isGatehouseError(error, "BAD_INPUT")).toBe(true);
  });

  it("stands when SMTP is down: the failure is recorded on the grant and audited", async () => {
    const id = await f.traveler({ email: "fay@road.example" });
    f.smtp.refuseNext(3, "fay@road.example");
    const { grant } = await createGrant(f.ctx, { travelerId: id, address: "203.0.113.50", channel: "IVR", actor: "t" });
    await f.ctx.background.drain();
    const stored = await f.prisma.travelerGrant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(stored.mailedAt).toBeNull();
    expect(stored.mailError).toMatch(/451|unavailable/);
    expect(await f.prisma.allowEntry.count({ where: { travelerGrantId: grant.id } })).toBe(1);
    expect(await f.prisma.auditEvent.count({ where: { action: "mail.failed", targetId: grant.id } })).toBe(1);
  });

  it("is mailed after a short SMTP outage", async () => {
    const id = await f.traveler({ email: "gus@road.example" });
    f.smtp.refuseNext(2, "gus@road.example");
    const { grant } = await createGrant(f.ctx, { travelerId: id, address: "203.0.113.60", channel: "IVR", actor: "t" });
    expect(await mailsTo("gus@road.example", 1)).toHaveLength(1);
    expect((await f.prisma.travelerGrant.findUniqueOrThrow({ where: { id: grant.id } })).mailedAt).not.toBeNull();
  });

  it("is refused to a disabled traveler", async () => {
    const id = await f.traveler({ enabled: false });
    const error = await rejection(createGrant(f.ctx, { travelerId: id, address: "203.0.113.70", channel: "IVR", actor: "t" }));
    expect(isGatehouseError(error, "FORBIDDEN")).toBe(true);
  });
});

describe("ending grants", () => {
  it("an operator revokes a grant: entries gone, revisions bumped, audited; twice is a conflict", async () => {
    const id = await f.traveler();
    const { grant } = await createGrant(f.ctx, { travelerId: id, address: "203.0.113.80", channel: "IVR", actor: "t" });
    const before = await revisions(f.prisma, [f.servers.sales1]);
    const revoked = await revokeGrant(f.ctx, { grantId: grant.id, actor: "operator:test" });
    expect(revoked.revokedAt).toEqual(f.clock.now);
    expect(await f.prisma.allowEntry.count({ where: { travelerGrantId: grant.id } })).toBe(0);
    expect((await revisions(f.prisma, [f.servers.sales1]))[f.servers.sales1]).toBe((before[f.servers.sales1] ?? 0) + 1);
    expect(await f.prisma.auditEvent.count({ where: { action: "traveler.grant.revoked", targetId: grant.id } })).toBe(1);
    expect(isGatehouseError(await rejection(revokeGrant(f.ctx, { grantId: grant.id, actor: "operator:test" })), "CONFLICT")).toBe(true);
  });

  it("a grant closes by itself when it expires: the sweeper removes its entries, bumps revisions, audits it once", async () => {
    const id = await f.traveler({ grantLifetimeHours: 1 });
    const { grant } = await createGrant(f.ctx, { travelerId: id, address: "203.0.113.90", channel: "IVR", actor: "t" });
    advance(minutes(59));
    await f.sweeper.sweepNow();
    expect(await f.prisma.allowEntry.count({ where: { travelerGrantId: grant.id } })).toBe(1);
    advance(minutes(1));
    const before = await revisions(f.prisma, [f.servers.support]);
    expect(await f.sweeper.sweepNow()).toBeGreaterThanOrEqual(1);
    expect(await f.prisma.allowEntry.count({ where: { travelerGrantId: grant.id } })).toBe(0);
    expect((await revisions(f.prisma, [f.servers.support]))[f.servers.support]).toBe((before[f.servers.support] ?? 0) + 1);
    expect(await f.sweeper.sweepNow()).toBe(0);
    expect(await f.prisma.auditEvent.count({ where: { action: "traveler.grant.expired", targetId: grant.id } })).toBe(1);
    const listed = await f.prisma.travelerGrant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(listed.revokedAt).toBeNull();
  });

  it("a revoked grant's expiry is not audited as an expiry", async () => {
    const id = await f.traveler({ grantLifetimeHours: 1 });
    const { grant } = await createGrant(f.ctx, { travelerId: id, address: "203.0.113.91", channel: "IVR", actor: "t" });
    await revokeGrant(f.ctx, { grantId: grant.id, actor: "operator:test" });
    advance(minutes(61));
    await f.sweeper.sweepNow();
    expect(await f.prisma.auditEvent.count({ where: { action: "traveler.grant.expired", targetId: grant.id } })).toBe(0);
  });

  it("disabling or deleting a traveler ends their grants", async () => {
    const id = await f.traveler();
    const { grant } = await createGrant(f.ctx, { travelerId: id, address: "203.0.113.100", channel: "IVR", actor: "t" });
    await updateTraveler(f.ctx, "operator:test", id, { enabled: false });
    expect(await f.prisma.allowEntry.count({ where: { travelerGrantId: grant.id } })).toBe(0);
    await updateTraveler(f.ctx, "operator:test", id, { enabled: true });
    const second = await createGrant(f.ctx, { travelerId: id, address: "203.0.113.101", channel: "IVR", actor: "t" });
    await deleteTraveler(f.ctx, "operator:test", id);
    expect(await f.prisma.allowEntry.count({ where: { travelerGrantId: second.grant.id } })).toBe(0);
    expect(await f.prisma.traveler.count({ where: { id } })).toBe(0);
  });
});
