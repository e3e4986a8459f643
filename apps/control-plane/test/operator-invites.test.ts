// New operators come in by invitation: an admin names an e-mail address, a role and a tenant;
// the person receives a single-use link through the control plane's mailer (a real SMTP server
// here) and chooses their own password. A hostile tenant admin, a viewer, someone holding an old
// link and someone reading the database or the logs each try their way in, and get nothing.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "@gatehouse/core";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { createLogger } from "../src/logger.ts";
import { ADMIN_EMAIL, errorOf, seedFleet, startTestSmtpServer, startUnderTest, type Api, type Fleet, type PlaneUnderTest, type ReceivedMail, type TestSmtpServer } from "./kit/index.ts";

const password = "a long enough password";
const logLines: string[] = [];
const logSink = new Writable({ write(chunk: Buffer, _encoding, done) { logLines.push(chunk.toString("utf8")); done(); } });

let test: PlaneUnderTest;
let smtp: TestSmtpServer;
let fleet: Fleet;
let acmeAdmin: Api;
let acmeAdminToken: string;
let acmeViewer: Api;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
    env: { SMTP_URL: smtp.url, PUBLIC_URL: "https://gatehouse.example.net" },
    travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } },
    logger: createLogger("trace", logSink),
  });
  fleet = await seedFleet(test.admin);
  await test.admin.operators.create.mutate({ email: "acme-admin@example.net", name: "Acme Admin", password, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
  await test.admin.operators.create.mutate({ email: "acme-viewer@example.net", name: "Acme Viewer", password, role: "VIEWER", tenantId: fleet.tenantA.id });
  await test.admin.operators.create.mutate({ email: "bravo-admin@example.net", name: "Bravo Admin", password, role: "TENANT_ADMIN", tenantId: fleet.tenantB.id });
  acmeAdminToken = (await test.client().auth.login.mutate({ email: "acme-admin@example.net", password })).token;
  acmeAdmin = test.client(acmeAdminToken);
  acmeViewer = await test.signIn("acme-viewer@example.net", password);
});
afterAll(async () => {
  await test?.stop();
  await smtp?.close();
});

/** The mail that arrives for `to` after `before` mails had arrived. */
async function mailTo(to: string, before: number): Promise<ReceivedMail> {
  const received = await smtp.waitForMessages(before + 1);
  const mail = received.slice(before).find((message) => message.to.includes(to));
  if (!mail) throw new Error(`no mail to ${to}`);
  return mail;
}

function tokenIn(mail: ReceivedMail): string {
  const match = /https:\/\/gatehouse\.example\.net\/#\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no invitation link in:\n${mail.text}`);
  return match[1];
}

/** Invites `email` as `by` and returns the token the invited person received. */
async function invite(by: Api, email: string, role: "MSP_ADMIN" | "TENANT_ADMIN" | "VIEWER", tenantId?: string): Promise<{ id: string; token: string }> {
  const before = smtp.received.length;
  const created = await by.operators.invite.mutate({ email, name: email.split("@")[0]!, role, ...(tenantId ? { tenantId } : {}) });
  expect(created.mailed).toBe(true);
  return { id: created.id, token: tokenIn(await mailTo(email, before)) };
}

describe("an invited operator chooses their own password through a single-use link", () => {
  let token: string;

  it("the invitation is mailed, and the link says who is invited to what", async () => {
    const before = smtp.received.length;
    await test.admin.operators.invite.mutate({ email: "New.Admin@Example.net", name: "Nadia", role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    const mail = await mailTo("new.admin@example.net", before);
    expect(mail.subject).toBe("You are invited to Gatehouse");
    expect(mail.text).toContain("as a tenant admin of Acme");
    token = tokenIn(mail);
    expect(await test.client().operators.inviteInfo.query({ token })).toMatchObject({ usable: true, email: "new.admin@example.net", name: "Nadia", role: "TENANT_ADMIN", tenantName: "Acme" });
  });

  it("the token is stored only as its SHA-256 and never reaches a log line or the audit log", async () => {
    const row = await test.db.prisma.operatorInvite.findFirstOrThrow({ where: { email: "new.admin@example.net" } });
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const audit = await test.db.prisma.auditEvent.findMany({ where: { targetId: row.id } });
    expect(audit.map((event) => event.action)).toEqual(["operator.invited"]);
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("")).toContain("You are invited to Gatehouse");
    expect(logLines.join("")).not.toContain(token);
  });

  it("using the link creates the operator with that password and role; they sign in", async () => {
    expect(await test.client().operators.acceptInvite.mutate({ token, password: "nadia's own passphrase" })).toEqual({ email: "new.admin@example.net", name: "Nadia", role: "TENANT_ADMIN" });
    const nadia = await test.signIn("new.admin@example.net", "nadia's own passphrase");
    expect(await nadia.auth.me.query()).toMatchObject({ role: "TENANT_ADMIN", tenantName: "Acme" });
    const { invites } = await test.admin.operators.invites.query({});
    expect(invites.find((one) => one.email === "new.admin@example.net")?.status).toBe("accepted");
  });

  it("the link cannot be used a second time, not even to set another password", async () => {
    const replay = await errorOf(test.client().operators.acceptInvite.mutate({ token, password: "the attacker's password" }));
    expect(replay).toMatchObject({ code: "CONFLICT", message: "this invitation was already used: sign in with the password chosen then" });
    expect((await errorOf(test.signIn("new.admin@example.net", "the attacker's password"))).code).toBe("UNAUTHORIZED");
    expect(await test.client().operators.inviteInfo.query({ token })).toMatchObject({ usable: false });
    expect(await test.db.prisma.operator.count({ where: { email: "new.admin@example.net" } })).toBe(1);
  });

  it("of two uses at the same moment, exactly one creates the operator", async () => {
    const { token: raced } = await invite(test.admin, "raced@example.net", "VIEWER", fleet.tenantB.id);
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => test.client().operators.acceptInvite.mutate({ token: raced, password: `racer number ${n} password` })));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(await test.db.prisma.operator.count({ where: { email: "raced@example.net" } })).toBe(1);
  });

  it("a made-up link is not valid", async () => {
    expect(await errorOf(test.client().operators.acceptInvite.mutate({ token: "A".repeat(43), password }))).toMatchObject({ code: "NOT_FOUND", message: "this invitation link is not valid" });
  });
});

describe("a link stops working", () => {
  it("once the inviter revoked it", async () => {
    const { id, token } = await invite(acmeAdmin, "withdrawn@example.net", "VIEWER", fleet.tenantA.id);
    await acmeAdmin.operators.revokeInvite.mutate({ inviteId: id });
    expect(await errorOf(test.client().operators.acceptInvite.mutate({ token, password }))).toMatchObject({ code: "CONFLICT", message: "this invitation was withdrawn: ask for a new one" });
    expect(await test.db.prisma.operator.count({ where: { email: "withdrawn@example.net" } })).toBe(0);
  });

  it("once the inviter is disabled, or may no longer invite to that role", async () => {
    await test.admin.operators.create.mutate({ email: "leaving@example.net", name: "Leaving", password, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    const leaving = await test.signIn("leaving@example.net", password);
    const accomplice = await invite(leaving, "accomplice@example.net", "TENANT_ADMIN", fleet.tenantA.id);
    const demotedsFriend = await invite(acmeAdmin, "friend@example.net", "TENANT_ADMIN", fleet.tenantA.id);
    const leavingId = (await test.db.prisma.operator.findUniqueOrThrow({ where: { email: "leaving@example.net" } })).id;
    const acmeAdminId = (await test.db.prisma.operator.findUniqueOrThrow({ where: { email: "acme-admin@example.net" } })).id;
    await test.admin.operators.setDisabled.mutate({ operatorId: leavingId });
    await test.admin.operators.setRole.mutate({ operatorId: acmeAdminId, role: "VIEWER", tenantId: fleet.tenantA.id });
    try {
      for (const { token } of [accomplice, demotedsFriend]) {
        expect(await errorOf(test.client().operators.acceptInvite.mutate({ token, password }))).toMatchObject({ code: "CONFLICT", message: "this invitation was withdrawn: ask for a new one" });
      }
      expect(await test.db.prisma.operator.count({ where: { email: { in: ["accomplice@example.net", "friend@example.net"] } } })).toBe(0);
    } finally {
      await test.admin.operators.setRole.mutate({ operatorId: acmeAdminId, role: "TENANT_ADMIN", tenantId: fleet.tenantA.id });
    }
  });
});

describe("a hostile tenant admin", () => {
  it("cannot invite an MSP admin, nor anyone into another tenant", async () => {
    const before = await test.db.prisma.operatorInvite.count();
    expect((await errorOf(acmeAdmin.operators.invite.mutate({ email: "boss@example.net", name: "Boss", role: "MSP_ADMIN" }))).code).toBe("FORBIDDEN");
    expect((await errorOf(acmeAdmin.operators.invite.mutate({ email: "spy@example.net", name: "Spy", role: "TENANT_ADMIN", tenantId: fleet.tenantB.id }))).code).toBe("NOT_FOUND");
    expect(await test.db.prisma.operatorInvite.count()).toBe(before);
  });

  it("cannot disable, demote, promote or reset an MSP admin or another tenant's operator", async () => {
    const msp = await test.db.prisma.operator.findUniqueOrThrow({ where: { email: ADMIN_EMAIL } });
    const bravo = await test.db.prisma.operator.findUniqueOrThrow({ where: { email: "bravo-admin@example.net" } });
    const viewer = await test.db.prisma.operator.findUniqueOrThrow({ where: { email: "acme-viewer@example.net" } });
    for (const target of [msp, bravo]) {
      expect((await errorOf(acmeAdmin.operators.setDisabled.mutate({ operatorId: target.id }))).code).toBe("NOT_FOUND");
      expect((await errorOf(acmeAdmin.operators.setRole.mutate({ operatorId: target.id, role: "VIEWER", tenantId: fleet.tenantA.id }))).code).toBe("NOT_FOUND");
      expect((await errorOf(acmeAdmin.operators.setPassword.mutate({ operatorId: target.id, password }))).code).toBe("NOT_FOUND");
    }
    expect((await errorOf(acmeAdmin.operators.setRole.mutate({ operatorId: viewer.id, role: "MSP_ADMIN" }))).code).toBe("FORBIDDEN");
    expect((await errorOf(acmeAdmin.operators.setRole.mutate({ operatorId: viewer.id, role: "VIEWER", tenantId: fleet.tenantB.id }))).code).toBe("NOT_FOUND");
    expect(await test.db.prisma.operator.findMany({ where: { id: { in: [msp.id, bravo.id, viewer.id] } }, orderBy: { email: "asc" }, select: { role: true, tenantId: true, disabled: true, passwordHash: true } }))
      .toEqual([bravo, msp, viewer].sort((x, y) => x.email.localeCompare(y.email)).map(({ role, tenantId, disabled, passwordHash }) => ({ role, tenantId, disabled, passwordHash })));
  });

  it("cannot see or revoke an MSP admin's or another tenant's invitations", async () => {
    const mspLevel = await invite(test.admin, "second-msp@example.net", "MSP_ADMIN");
    const bravos = await invite(test.admin, "bravo-viewer@example.net", "VIEWER", fleet.tenantB.id);
    for (const { id } of [mspLevel, bravos]) expect((await errorOf(acmeAdmin.operators.revokeInvite.mutate({ inviteId: id }))).code).toBe("NOT_FOUND");
    const { invites } = await acmeAdmin.operators.invites.query({});
    expect(invites.length).toBeGreaterThan(0);
    expect(invites.every((one) => one.tenantId === fleet.tenantA.id)).toBe(true);
    expect(await test.client().operators.inviteInfo.query({ token: mspLevel.token })).toMatchObject({ usable: true });
  });

  it("cannot tell from an invitation whether an address already has an account", async () => {
    /** The HTTP answer with what differs between any two invitations (id, times) blanked. */
    const answer = async (email: string) => {
      const response = await fetch(`${test.plane.url}/trpc/operators.invite`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${acmeAdminToken}` },
        body: JSON.stringify({ email, name: "Probe", role: "VIEWER", tenantId: fleet.tenantA.id }),
      });
      const body = (await response.text()).replaceAll(email, "EMAIL").replace(/"id":"[^"]+"/, '"id":"ID"').replace(/"\d{4}-[^"]+Z"/g, '"TIME"');
      return { status: response.status, body };
    };
    const before = smtp.received.length;
    const free = await answer("nobody-yet@example.net");
    expect(free.status).toBe(200);
    for (const taken of [ADMIN_EMAIL, "bravo-admin@example.net", "acme-viewer@example.net"]) expect(await answer(taken)).toEqual(free);
    const { invites } = await acmeAdmin.operators.invites.query({});
    for (const email of ["nobody-yet@example.net", ADMIN_EMAIL, "bravo-admin@example.net"]) expect(invites.find((one) => one.email === email)?.status).toBe("pending");
    // The account holder is told, without a link; the free address gets one.
    const takenMail = await mailTo("bravo-admin@example.net", before);
    expect(takenMail.subject).toBe("You are invited to Gatehouse");
    expect(takenMail.text).not.toMatch(/#\/invite\//);
    expect(tokenIn(await mailTo("nobody-yet@example.net", before))).toHaveLength(43);
  });
});

describe("a viewer", () => {
  it("is refused every management act, and keeps their own tokens and password", async () => {
    const acme = await test.db.prisma.operator.findUniqueOrThrow({ where: { email: "acme-admin@example.net" } });
    const refusals = [
      () => acmeViewer.operators.invite.mutate({ email: "x@example.net", name: "X", role: "VIEWER", tenantId: fleet.tenantA.id }),
      () => acmeViewer.operators.setDisabled.mutate({ operatorId: acme.id }),
      () => acmeViewer.operators.setRole.mutate({ operatorId: acme.id, role: "VIEWER", tenantId: fleet.tenantA.id }),
      () => acmeViewer.operators.setPassword.mutate({ operatorId: acme.id, password }),
    ];
    for (const refusal of refusals) expect((await errorOf(refusal())).code).toBe("FORBIDDEN");
    const created = await acmeViewer.apiTokens.create.mutate({ name: "viewer's script" });
    await acmeViewer.apiTokens.revoke.mutate({ tokenId: created.id });
    expect(await acmeViewer.auth.changePassword.mutate({ currentPassword: password, newPassword: password })).toEqual({ changed: true });
  });
});

// Last: moving the clock past the invitation's lifetime also ends every session of the tests above.
describe("an invitation that was not used in time", () => {
  it("stops working once it has expired (72 hours)", async () => {
    const { token } = await invite(test.admin, "late@example.net", "VIEWER", fleet.tenantA.id);
    test.clock.advance(72 * 3_600_000 + 1);
    expect(await errorOf(test.client().operators.acceptInvite.mutate({ token, password }))).toMatchObject({ code: "CONFLICT", message: "this invitation has expired: ask for a new one" });
    expect(await test.db.prisma.operator.count({ where: { email: "late@example.net" } })).toBe(0);
  });
});
