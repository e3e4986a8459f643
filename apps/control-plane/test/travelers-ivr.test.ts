// A traveler calls the IVR, over real TCP FastAGI conversations against the real control plane
// (HTTP server, runMutation, RevisionBus, expiry sweeper, travelers extension) on a real test
// database, with a real SMTP server receiving the mail. The test client plays Asterisk's side
// of the AGI protocol byte for byte.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { normaliseCallerId } from "@gatehouse/core";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import type { RevisionChange } from "../src/bus.ts";
import { travelersExtension } from "../src/travelers/extension.ts";
import { revisions, seedFleet, startUnderTest, type Fleet, type PlaneUnderTest, startTestSmtpServer, type TestSmtpServer } from "./kit/index.ts";
import { HANG_UP, placeAsteriskCall, type AsteriskCallOptions, type KeypadEntry } from "./ivr-asterisk.ts";

const SECRET = "a-long-shared-agi-secret-for-tests";
const PIN = "135790";

let test: PlaneUnderTest;
let smtp: TestSmtpServer;
let fleet: Fleet;
let agiPort: number;
const published: RevisionChange[] = [];

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: "Gatehouse <gatehouse@example.net>",
      AGI_SECRET: SECRET,
      AGI_ALLOWED_ADDRESSES: "127.0.0.1",
      AGI_HOST: "127.0.0.1",
      AGI_PORT: "0",
      ALLOW_DOCUMENTATION_ADDRESSES: "true",
      TRUSTED_PROXIES: "127.0.0.1",
    },
    travelers: { mailRetry: { attempts: 3, firstDelayMs: 1, sleep: async () => undefined } },
    extensions: [
      travelersExtension({ agiEnvironmentTimeoutMs: 500, agiRefusalAuditWindowMs: 0 }),
    ],
  });
  test.plane.bus.subscribe((change) => published.push(change));
  fleet = await seedFleet(test.admin);
  agiPort = test.plane.app.fastAgiPort ?? 0;
});
afterAll(async () => {
  await test?.stop();
  await smtp?.close();
});

let travelers = 0;
async function newTraveler(overrides: { email?: string; scopeGroups?: string[]; grantLifetimeHours?: number } = {}) {
  travelers += 1;
  const { traveler } = await test.admin.travelers.create.mutate({
    tenantId: fleet.tenantA.id,
    pin: PIN,
    name: `Traveler ${travelers}`,
    email: overrides.email ?? `t${travelers}@road.example`,
    ...overrides,
  });
  return { id: traveler.id, accountNumber: traveler.accountNumber };
}

let callers = 0;
/** Each call has its own caller ID unless the test names one, so its audit can be found. */
function dial(keypad: KeypadEntry[], options: Partial<AsteriskCallOptions> = {}) {
  callers += 1;
  const callerId = options.callerId ?? `+1555${String(callers).padStart(7, "0")}`;
  return placeAsteriskCall({ port: agiPort, secret: SECRET, keypad, ...options, callerId }).then((record) => ({ ...record, callerId }));
}

/** Everything a call could have written. */
async function writes() {
  const { prisma } = test.db;
  return {
    grants: await prisma.travelerGrant.count(),
    entries: await prisma.allowEntry.count({ where: { origin: "TRAVELER" } }),
    links: await prisma.travelerLink.count(),
    revisions: await revisions(test),
    grantAudits: await prisma.auditEvent.count({ where: { action: { startsWith: "traveler.grant" } } }),
  };
}

interface CallAudit {
  outcome: string;
  hungUpAt: string | null;
  refusals: string[];
  callerId: string;
}

/**
 * The ivr.call.ended audit of the one call placed with `callerId`. When the caller hangs up,
 * the connection closes at once and the audit follows a moment later: wait for it.
 */
async function callAudit(callerId: string): Promise<CallAudit> {
  const read = async () => {
    const events = await test.db.prisma.auditEvent.findMany({ where: { action: "ivr.call.ended" } });
    return events.map((event) => event.after as unknown as CallAudit).filter((after) => after.callerId === normaliseCallerId(callerId));
  };
  const mine = await vi.waitFor(async () => {
    const found = await read();
    expect(found).not.toEqual([]);
    return found;
  }, 5_000);
  expect(mine).toHaveLength(1);
  return mine[0] as CallAudit;
}

describe("a traveler calls the DID", () => {
  it("the happy path: grant, allow entries for the scope, audit, revisions bumped and published, mail received", async () => {
    const traveler = await newTraveler({ email: "ann@road.example" });
    const before = await writes();
    const publishedBefore = published.length;
    const call = await dial([`${traveler.accountNumber}#`, `${PIN}#`, "203*0*113*7#", "1#"], { callerId: "+15551230000" });

    expect(call.prompts).toEqual([
      "welcome", "enter-account", "enter-pin", "enter-address",
      "you-entered", "dot", "dot", "dot", "confirm-or-reenter",
      "granted-until", expect.stringMatching(/^month-\d\d$/), "at", "utc", "mail-follows", "goodbye",
    ]);
    expect(call.hungUpByIvr).toBe(true);
    const grant = await test.db.prisma.travelerGrant.findFirstOrThrow({ where: { travelerId: traveler.id }, include: { allowEntries: true } });
    expect(grant).toMatchObject({ address: "203.0.113.7", channel: "IVR", revokedAt: null });
    expect(grant.expiresAt.getTime() - grant.createdAt.getTime()).toBe(168 * 3_600_000);
    const iso = grant.expiresAt.toISOString();
    expect(call.prompts[10]).toBe(`month-${iso.slice(5, 7)}`);
    expect(call.spoken).toEqual(["203", "0", "113", "7", String(Number(iso.slice(8, 10))), iso.slice(11, 13) + iso.slice(14, 16)]);
    expect(grant.allowEntries).toHaveLength(1);
    expect(grant.allowEntries[0]).toMatchObject({ source: "203.0.113.7", scope: "TENANT", tenantId: fleet.tenantA.id, origin: "TRAVELER", services: ["sip", "rtp", "iax2", "webrtc"], expiresAt: grant.expiresAt });

    const after = await writes();
    expect(after.revisions).toEqual({ ...before.revisions, [fleet.serverA1]: (before.revisions[fleet.serverA1] ?? 0) + 1, [fleet.serverA2]: (before.revisions[fleet.serverA2] ?? 0) + 1 });
    expect(published.slice(publishedBefore).map((change) => change.serverId).sort()).toEqual([fleet.serverA1, fleet.serverA2].sort());
    const audit = await test.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "traveler.grant.created", targetId: grant.id } });
    expect(audit).toMatchObject({ actor: `traveler:${traveler.id}`, tenantId: fleet.tenantA.id });
    expect(await callAudit("+15551230000")).toMatchObject({ outcome: "granted", hungUpAt: null });

    const mails = await smtp.waitForMessages(1);
    const mail = await vi.waitUntil(() => smtp.received.find((received) => received.to.includes("ann@road.example")), 5_000);
    expect(mails.length).toBeGreaterThanOrEqual(1);
    expect(mail.from).toBe("gatehouse@example.net");
    expect(mail.subject).toContain("203.0.113.7 is allowed until");
    expect(mail.text).toContain("Your address 203.0.113.7 was allowed by phone.");
    expect(mail.text).toContain("  - pbx-a1\n  - pbx-a2");
    expect(mail.text).not.toContain("pbx-b1");
    expect(mail.text).toContain(iso);
    expect(mail.raw).not.toContain(PIN);
    await vi.waitFor(async () => expect((await test.db.prisma.travelerGrant.findUniqueOrThrow({ where: { id: grant.id } })).mailedAt).not.toBeNull(), 5_000);
  });

  it("a wrong PIN and an unknown account sound exactly the same, and write no grant", async () => {
    const traveler = await newTraveler();
    const before = await writes();
    const wrongPin = await dial([`${traveler.accountNumber}#`, "000000#", HANG_UP], { callerId: "+15550000101" });
    const unknown = await dial(["99999999#", `${PIN}#`, HANG_UP], { callerId: "+15550000102" });
    await callAudit(wrongPin.callerId);
    await callAudit(unknown.callerId);
    expect(wrongPin.prompts).toEqual(["welcome", "enter-account", "enter-pin", "login-incorrect", "enter-account"]);
    expect(unknown.prompts).toEqual(wrongPin.prompts);
    expect(await writes()).toEqual(before);
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.login.failed", targetId: traveler.id } })).toBe(1);
  });

  it("after 20 wrong PINs in an hour the account is shut to unknown callers (not to the phone it was used from), audited, and the operators alerted", async () => {
    const traveler = await newTraveler();
    const before = await dial([`${traveler.accountNumber}#`, `${PIN}#`, HANG_UP], { callerId: "+15550000298" });
    expect(before.prompts.at(-1)).toBe("enter-address");
    // Three wrong PINs per call from seven callers: the 20th locks, the 21st is refused unchecked.
    for (let call = 0; call < 7; call += 1) {
      const wrong = [`${traveler.accountNumber}#`, "111111#"];
      await dial([...wrong, ...wrong, ...wrong], { callerId: `+155500002${call}0` });
    }
    const locked = await dial([`${traveler.accountNumber}#`, `${PIN}#`, HANG_UP], { callerId: "+15550000299" });
    expect(locked.prompts).toContain("login-incorrect");
    expect(locked.prompts).not.toContain("enter-address");
    const known = await dial([`${traveler.accountNumber}#`, `${PIN}#`, HANG_UP], { callerId: "+1 555 000 0298" });
    expect(known.prompts.at(-1)).toBe("enter-address");
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.locked", targetId: traveler.id } })).toBe(1);
    const alert = await vi.waitUntil(() => smtp.received.find((mail) => mail.subject.includes(`account ${traveler.accountNumber} locked`)), 5_000);
    expect(alert.to).toEqual(["msp@example.net"]);
    test.clock.advance(60 * 60_000 + 1);
    const afterLock = await dial([`${traveler.accountNumber}#`, `${PIN}#`, HANG_UP], { callerId: "+15550000299" });
    expect(afterLock.prompts.at(-1)).toBe("enter-address");
  });

  it("a caller ID with 10 failures in an hour is refused, whatever it dials", async () => {
    const traveler = await newTraveler();
    const callerId = "+15550000300";
    // Three failed logins per call, so four calls reach ten failures.
    for (let call = 0; call < 4; call += 1) {
      await dial(["1#", "000000#", "2#", "000000#", "3#", "000000#"], { callerId });
    }
    const refused = await dial([`${traveler.accountNumber}#`, `${PIN}#`], { callerId });
    expect(refused.prompts.slice(-2)).toEqual(["caller-blocked", "goodbye"]);
    expect(refused.hungUpByIvr).toBe(true);
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.subject.blocked" } })).toBeGreaterThanOrEqual(1);
    await vi.waitUntil(() => smtp.received.some((mail) => mail.subject.includes(`caller ID ${normaliseCallerId(callerId)} refused`)), 5_000);
  });

  it("three silent prompts end the call with nothing written", async () => {
    const traveler = await newTraveler();
    const before = await writes();
    const silentAtAccount = await dial(["", "", ""]);
    expect(silentAtAccount.prompts.slice(-3)).toEqual(["no-input", "too-many-tries", "goodbye"]);
    const silentAtAddress = await dial([`${traveler.accountNumber}#`, `${PIN}#`, "", "", ""]);
    expect(silentAtAddress.prompts.filter((prompt) => prompt === "enter-address")).toHaveLength(3);
    expect(await callAudit(silentAtAccount.callerId)).toMatchObject({ outcome: "no-input" });
    expect(await callAudit(silentAtAddress.callerId)).toMatchObject({ outcome: "no-input" });
    expect(await writes()).toEqual(before);
  });

  it("malformed addresses (12**34*5, 999*1*1*1, 1*2*3) are refused with the reason spoken", async () => {
    const traveler = await newTraveler();
    const before = await writes();
    const call = await dial([`${traveler.accountNumber}#`, `${PIN}#`, "12**34*5#", "999*1*1*1#", "1*2*3#"]);
    expect(call.prompts.slice(3)).toEqual([
      "enter-address", "address-empty-part", "enter-address", "address-part-range", "enter-address",
      "address-part-count", "too-many-tries", "goodbye",
    ]);
    expect(await callAudit(call.callerId)).toMatchObject({ outcome: "address-refused", refusals: ["empty-part", "part-range", "part-count"] });
    expect(await writes()).toEqual(before);
  });

  it("a private address is refused with its reason, then a public one is granted", async () => {
    const traveler = await newTraveler();
    const call = await dial([`${traveler.accountNumber}#`, `${PIN}#`, "10*0*0*1#", "192*168*1*20#", "198*51*100*23#", "1#"]);
    expect(call.prompts.filter((prompt) => prompt.startsWith("refused-"))).toEqual(["refused-private", "refused-private"]);
    const grants = await test.db.prisma.travelerGrant.findMany({ where: { travelerId: traveler.id } });
    expect(grants.map((grant) => grant.address)).toEqual(["198.51.100.23"]);
  });

  it("pressing 2 asks again, and only the re-entered address is granted", async () => {
    const traveler = await newTraveler();
    const call = await dial([`${traveler.accountNumber}#`, `${PIN}#`, "203*0*113*8#", "2", "203*0*113*9#", "1"]);
    expect(call.spoken.slice(0, 8)).toEqual(["203", "0", "113", "8", "203", "0", "113", "9"]);
    const grants = await test.db.prisma.travelerGrant.findMany({ where: { travelerId: traveler.id } });
    expect(grants.map((grant) => grant.address)).toEqual(["203.0.113.9"]);
  });
});

describe("a caller hanging up", () => {
  const steps: Array<[string, (account: string) => Partial<AsteriskCallOptions>]> = [
    ["greeting", () => ({ keypad: [], hangUpOn: (command) => command.startsWith("STREAM FILE gatehouse/welcome") })],
    ["account", () => ({ keypad: [HANG_UP] })],
    ["PIN", (account) => ({ keypad: [`${account}#`, HANG_UP] })],
    ["address", (account) => ({ keypad: [`${account}#`, `${PIN}#`, HANG_UP] })],
    ["read-back", (account) => ({ keypad: [`${account}#`, `${PIN}#`, "203*0*113*40#"], hangUpOn: (command) => command.startsWith("SAY DIGITS 113") })],
    ["confirmation", (account) => ({ keypad: [`${account}#`, `${PIN}#`, "203*0*113*40#", HANG_UP] })],
  ];

  it.each(steps)("at the %s leaves nothing written", async (_step, options) => {
    const traveler = await newTraveler();
    const before = await writes();
    const call = await dial([], options(traveler.accountNumber));
    expect(call.hungUpByCaller).toBe(true);
    // The call's audit is its last act: once it is there, the call has written all it ever will.
    expect(await callAudit(call.callerId)).toMatchObject({ outcome: "caller-hung-up" });
    expect(await writes()).toEqual(before);
  });

  it("right after pressing 1 still gets the whole grant (one transaction), never half of it", async () => {
    const traveler = await newTraveler();
    const call = await dial([`${traveler.accountNumber}#`, `${PIN}#`, "203*0*113*41#", "1#"], {
      hangUpOn: (command) => command.startsWith("STREAM FILE gatehouse/granted-until"),
    });
    expect(call.hungUpByCaller).toBe(true);
    const grant = await test.db.prisma.travelerGrant.findFirstOrThrow({ where: { travelerId: traveler.id }, include: { allowEntries: true } });
    expect(grant.allowEntries).toHaveLength(1);
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.grant.created", targetId: grant.id } })).toBe(1);
  });
});

describe("who may reach the IVR", () => {
  async function refusalAudits() {
    return test.db.prisma.auditEvent.findMany({ where: { action: "ivr.connection.refused" }, orderBy: { at: "asc" } });
  }

  it.each<[string, Partial<AsteriskCallOptions>, string]>([
    ["an address not on AGI_ALLOWED_ADDRESSES", { localAddress: "127.0.0.2" }, "peer-not-allowed"],
    ["no secret", { secret: null }, "wrong-secret"],
    ["a wrong secret", { secret: "guessed-secret-value-1234" }, "wrong-secret"],
  ])("a connection from %s creates nothing, and is audited", async (_what, options, reason) => {
    const traveler = await newTraveler();
    const before = await writes();
    const earlier = new Set((await refusalAudits()).map((event) => event.id));
    const call = await dial([`${traveler.accountNumber}#`, `${PIN}#`, "203*0*113*50#", "1#"], options);
    expect(call.commands).toEqual([]);
    const after = await vi.waitFor(async () => {
      const events = await refusalAudits();
      expect(events.length).toBeGreaterThan(earlier.size);
      return events;
    }, 5_000);
    // Audit events of the same millisecond have no order, so find the new one by id.
    const added = after.filter((event) => !earlier.has(event.id));
    expect(added).toHaveLength(1);
    expect(added[0]?.after).toMatchObject({ reason, count: 1 });
    expect(await writes()).toEqual(before);
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.login", targetId: traveler.id } })).toBe(0);
  });
});

describe("a traveler who does not know their address", () => {
  it("presses 0, receives a single-use link, and the page grants the address the browser comes from", async () => {
    const traveler = await newTraveler({ email: "link@road.example" });
    const call = await dial([`${traveler.accountNumber}#`, `${PIN}#`, "0#"]);
    expect(call.prompts.slice(-2)).toEqual(["link-sent", "goodbye"]);
    const mail = await vi.waitUntil(() => smtp.received.find((received) => received.to.includes("link@road.example")), 5_000);
    const url = /(http:\/\/\S+\/traveler\/link\?token=[A-Za-z0-9_-]+)/.exec(mail.text)?.[1] ?? "";
    expect(url.startsWith(test.plane.url)).toBe(true);
    const page = await fetch(url, { headers: { "x-forwarded-for": "203.0.113.77" } });
    expect(await page.text()).toContain("203.0.113.77");
    const token = new URL(url).searchParams.get("token") ?? "";
    const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "203.0.113.77" }, body: `token=${token}` };
    expect((await fetch(`${test.plane.url}/traveler/link`, form)).status).toBe(200);
    expect((await fetch(`${test.plane.url}/traveler/link`, form)).status).toBe(410);
    const grants = await test.db.prisma.travelerGrant.findMany({ where: { travelerId: traveler.id } });
    expect(grants.map((grant) => [grant.address, grant.channel])).toEqual([["203.0.113.77", "LINK"]]);
  });
});

describe("grants expire by themselves", () => {
  it("the control plane's sweeper closes an expired grant: entries gone, revisions bumped, audited", async () => {
    const traveler = await newTraveler({ grantLifetimeHours: 1 });
    await dial([`${traveler.accountNumber}#`, `${PIN}#`, "203*0*113*60#", "1#"]);
    const grant = await test.db.prisma.travelerGrant.findFirstOrThrow({ where: { travelerId: traveler.id } });
    const before = await revisions(test);
    test.clock.advance(3_600_000 + 1);
    await test.plane.sweeper.sweepNow();
    expect(await test.db.prisma.allowEntry.count({ where: { travelerGrantId: grant.id } })).toBe(0);
    expect((await revisions(test))[fleet.serverA1]).toBeGreaterThan(before[fleet.serverA1] ?? 0);
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.grant.expired", targetId: grant.id } })).toBe(1);
    const { grants: listed } = await test.admin.travelers.grants.query({ travelerId: traveler.id, activeOnly: false });
    expect(listed.map((row) => row.status)).toEqual(["expired"]);
  });
});
