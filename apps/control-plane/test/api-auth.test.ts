// Signing in, sessions, API tokens and enrollment tokens, over real HTTP: secrets are returned
// once and stored only hashed, failed sign-ins are rate-limited, and what expires stops working.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { createAgentRoutes } from "../src/hub/agent-routes.ts";
import { createLogger } from "../src/logger.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, errorOf, startUnderTest, TestClock, type PlaneUnderTest } from "./kit/index.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const HOUR = 3_600_000;

describe.each(testDatabaseKinds())("authentication on %s", (kind) => {
  let test: PlaneUnderTest;
  let tenantId: string;

  beforeAll(async () => {
    test = await startUnderTest(kind, { env: { LOGIN_MAX_FAILURES_PER_EMAIL: "3", LOGIN_MAX_FAILURES_PER_ADDRESS: "6", LOGIN_FAILURE_WINDOW_MINUTES: "15" } });
    tenantId = (await test.admin.tenants.create.mutate({ name: "Acme" })).id;
  });
  afterAll(async () => {
    await test.stop();
  });

  it("the first run created the MSP admin from the environment", async () => {
    expect(test.plane.firstRun).toEqual({ created: true, email: ADMIN_EMAIL, passwordGenerated: false });
    expect(await test.admin.auth.me.query()).toMatchObject({ email: ADMIN_EMAIL, role: "MSP_ADMIN", tenantId: null });
    expect(test.printed.join("\n")).not.toContain(ADMIN_PASSWORD);
    const stored = await test.db.prisma.operator.findUniqueOrThrow({ where: { email: ADMIN_EMAIL } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("an unknown e-mail and a wrong password get the same answer", async () => {
    const unknown = await errorOf(test.client().auth.login.mutate({ email: "nobody@example.net", password: "whatever it is" }));
    const wrong = await errorOf(test.client().auth.login.mutate({ email: "someone@example.net", password: "whatever it is" }));
    expect(unknown).toEqual(wrong);
    expect(unknown).toMatchObject({ code: "UNAUTHORIZED", message: "wrong e-mail or password" });
  });

  it("refuses sign-ins for an e-mail after repeated failures, even with the right password, until the window passes", async () => {
    await test.admin.operators.create.mutate({ email: "Alice@Example.net", name: "Alice", password: "alice's long password", role: "TENANT_ADMIN", tenantId });
    for (let i = 0; i < 3; i += 1) {
      expect((await errorOf(test.client().auth.login.mutate({ email: "alice@example.net", password: `guess ${i}` }))).code).toBe("UNAUTHORIZED");
    }
    expect(await errorOf(test.client().auth.login.mutate({ email: "alice@example.net", password: "alice's long password" }))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    test.clock.advance(16 * 60_000);
    const alice = await test.signIn("ALICE@example.net", "alice's long password");
    expect(await alice.auth.me.query()).toMatchObject({ email: "alice@example.net", tenantName: "Acme" });
    expect(await test.db.prisma.auditEvent.count({ where: { action: "auth.login_failed", targetId: "alice@example.net" } })).toBe(3);
  });

  it("refuses sign-ins from an address that keeps failing across many e-mails, except for an operator who signed in from it before", async () => {
    test.clock.advance(16 * 60_000);
    await test.admin.operators.create.mutate({ email: "dave@example.net", name: "Dave", password: "dave's long password", role: "VIEWER", tenantId });
    for (let i = 0; i < 6; i += 1) await errorOf(test.client().auth.login.mutate({ email: `spray${i}@example.net`, password: "password123456" }));
    expect((await errorOf(test.client().auth.login.mutate({ email: "dave@example.net", password: "dave's long password" }))).code).toBe("TOO_MANY_REQUESTS");
    await test.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    test.clock.advance(16 * 60_000);
    await test.signIn("dave@example.net", "dave's long password");
  });

  it("a session works as an HttpOnly SameSite=Strict cookie, ends at logout and expires", async () => {
    const response = await fetch(`${test.plane.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    const [cookie = "", deviceCookie = ""] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^gatehouse_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(deviceCookie).toMatch(/^gatehouse_device=[A-Za-z0-9_-]{43}; Path=\/trpc; HttpOnly; SameSite=Strict; Max-Age=15552000$/);
    const token = ((await response.json()) as { result: { data: { token: string } } }).result.data.token;
    expect(await test.db.prisma.session.count({ where: { tokenHash: sha256(token) } })).toBe(1);
    expect(await test.db.prisma.session.count({ where: { tokenHash: token } })).toBe(0);

    const me = async () => ((await (await fetch(`${test.plane.url}/trpc/auth.me`, { headers: { cookie: cookie.split(";")[0] ?? "" } })).json()) as { result: { data: unknown } }).result.data;
    expect(await me()).toMatchObject({ email: ADMIN_EMAIL });
    // A form on another site could POST multipart with the cookie (were SameSite ignored): not signed in.
    const form = new FormData();
    form.set("x", "1");
    const forged = await fetch(`${test.plane.url}/trpc/auth.logout`, { method: "POST", headers: { cookie: cookie.split(";")[0] ?? "" }, body: form });
    expect(forged.status).toBe(401);
    expect(await me()).toMatchObject({ email: ADMIN_EMAIL });
    const logout = await fetch(`${test.plane.url}/trpc/auth.logout`, { method: "POST", headers: { cookie: cookie.split(";")[0] ?? "", "content-type": "application/json" }, body: "{}" });
    expect(logout.headers.get("set-cookie")).toMatch(/^gatehouse_session=; .*Max-Age=0/);
    expect(await me()).toBeNull();

    const session = await test.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    test.clock.advance(13 * HOUR);
    try {
      expect(await session.auth.me.query()).toBeNull();
      expect((await errorOf(session.tenants.list.query())).code).toBe("UNAUTHORIZED");
    } finally {
      test.clock.advance(-13 * HOUR);
    }
  });

  it("an API token is shown once, stored hashed, acts as its operator, and stops at revocation or expiry", async () => {
    const created = await test.admin.apiTokens.create.mutate({ name: "ci", expiresAt: new Date(test.clock.now().getTime() + 2 * HOUR).toISOString() });
    expect(created.token).toMatch(/^gh_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 9));
    const row = await test.db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(sha256(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(3));
    expect(JSON.stringify(await test.admin.apiTokens.list.query())).not.toContain(created.token.slice(3));

    const script = test.client(created.token);
    expect((await script.tenants.list.query()).tenants.map((t) => t.name)).toContain("Acme");
    test.clock.advance(3 * HOUR);
    expect((await errorOf(script.tenants.list.query())).code).toBe("UNAUTHORIZED");

    const second = await test.admin.apiTokens.create.mutate({ name: "cron" });
    await test.client(second.token).auth.me.query();
    await test.admin.apiTokens.revoke.mutate({ tokenId: second.id });
    expect((await errorOf(test.client(second.token).servers.list.query({}))).code).toBe("UNAUTHORIZED");
    const audit = await test.admin.audit.list.query({ action: "apiToken." });
    expect(JSON.stringify(audit)).not.toContain(second.token.slice(3));
  });

  it("disabling an operator ends their sessions and tokens", async () => {
    const bob = await test.admin.operators.create.mutate({ email: "bob@example.net", name: "Bob", password: "bob's long password", role: "VIEWER", tenantId });
    const session = await test.signIn("bob@example.net", "bob's long password");
    const token = (await session.apiTokens.create.mutate({ name: "bob's script" })).token;
    await test.admin.operators.setDisabled.mutate({ operatorId: bob.id });
    expect(await session.auth.me.query()).toBeNull();
    expect((await errorOf(test.client(token).servers.list.query({}))).code).toBe("UNAUTHORIZED");
    expect((await errorOf(test.client().auth.login.mutate({ email: "bob@example.net", password: "bob's long password" }))).code).toBe("UNAUTHORIZED");
  });

  it("changing one's password needs the current one and ends the other sessions", async () => {
    await test.admin.operators.create.mutate({ email: "carol@example.net", name: "Carol", password: "carol's first password", role: "TENANT_ADMIN", tenantId });
    const laptop = await test.signIn("carol@example.net", "carol's first password");
    const phone = await test.signIn("carol@example.net", "carol's first password");
    expect(await errorOf(laptop.auth.changePassword.mutate({ currentPassword: "not it at all", newPassword: "carol's second password" }))).toMatchObject({ code: "UNAUTHORIZED", field: "currentPassword" });
    expect(await errorOf(laptop.auth.changePassword.mutate({ currentPassword: "carol's first password", newPassword: "short" }))).toMatchObject({ code: "BAD_REQUEST", field: "newPassword" });
    await laptop.auth.changePassword.mutate({ currentPassword: "carol's first password", newPassword: "carol's second password" });
    expect(await laptop.auth.me.query()).toMatchObject({ email: "carol@example.net" });
    expect(await phone.auth.me.query()).toBeNull();
    await test.signIn("carol@example.net", "carol's second password");
  });
});

describe.each(testDatabaseKinds())("enrollment tokens on %s", (kind) => {
  // Servers are created "25 hours ago" by this clock; the enrollment route checks real time.
  const clock = new TestClock(Date.now() - 25 * HOUR);
  let test: PlaneUnderTest;

  beforeAll(async () => {
    test = await startUnderTest(kind, {
      clock,
      // The agent hub's enrollment route, mounted through the extension point.
      extensions: [({ app }) => createAgentRoutes({ prisma: app.prisma, feed: app.bus, replicaId: app.replica.id, loadSnapshot: async () => null, logger: createLogger("silent") })],
    });
  });
  afterAll(async () => {
    await test.stop();
  });

  const enroll = (token: string) =>
    fetch(`${test.plane.url}/agent/enroll`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, hostname: "pbx", agentVersion: "test" }) });

  it("is returned once with the command to run, stored hashed, valid 24 hours and single-use", async () => {
    const tenant = await test.admin.tenants.create.mutate({ name: "Acme" });
    const stale = await test.admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx-old" });
    expect(stale.enrollment.expiresAt).toBe(new Date(clock.now().getTime() + 24 * HOUR).toISOString());
    expect(stale.enrollment.command).toBe(`gatehouse-agent enroll --url ${test.plane.url} --token ${stale.enrollment.token}`);
    const row = await test.db.prisma.server.findUniqueOrThrow({ where: { id: stale.server.id } });
    expect(row.enrollmentTokenHash).toBe(sha256(stale.enrollment.token));
    expect(JSON.stringify(row)).not.toContain(stale.enrollment.token);
    expect(JSON.stringify(await test.admin.servers.get.query({ serverId: stale.server.id }))).not.toContain(stale.enrollment.token);
    expect((await enroll(stale.enrollment.token)).status).toBe(410);

    clock.set(new Date());
    const admin = await test.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const fresh = await admin.servers.regenerateEnrollment.mutate({ serverId: stale.server.id });
    expect((await enroll(stale.enrollment.token)).status).toBe(401);
    expect((await enroll(fresh.token)).status).toBe(200);
    expect((await enroll(fresh.token)).status).toBe(401);
    expect(await admin.servers.get.query({ serverId: stale.server.id })).toMatchObject({ status: "enrolled", enrollmentExpiresAt: null });
  });

  it("a revoked server's credential and token are gone", async () => {
    const admin = await test.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const tenant = await admin.tenants.create.mutate({ name: "Bravo" });
    const created = await admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx-b" });
    const revoked = await admin.servers.revoke.mutate({ serverId: created.server.id });
    expect(revoked).toMatchObject({ status: "revoked", revision: 2 });
    expect((await enroll(created.enrollment.token)).status).toBe(401);
    // Enrolling it again (a new token, the old credential stays dead): server-install.test.ts.
  });
});

describe("a first run without a configured admin", () => {
  it("prints a generated one-time password once, to the console and never to the log", async () => {
    const { startControlPlane } = await import("../src/server.ts");
    const { createTestDatabase } = await import("@gatehouse/testkit/database");
    const { loadEnv } = await import("../src/env.ts");
    const db = await createTestDatabase(testDatabaseKinds()[0]);
    const logged: string[] = [];
    const printed: string[] = [];
    const logger = createLogger("info", { write: (line: string) => logged.push(line) });
    const start = () => startControlPlane(loadEnv({ PORT: "0" }), { prisma: db.prisma, logger, print: (text) => printed.push(text), webDistDir: null, startSweeper: false });
    try {
      const first = await start();
      await first.close();
      const password = /password: (\S+)/.exec(printed.join("\n"))?.[1] ?? "";
      expect(password).toHaveLength(20);
      expect(logged.join("\n")).not.toContain(password);
      expect(logged.join("\n")).toContain("first MSP admin created");
      const second = await start();
      await second.close();
      expect(printed.join("\n").split(password)).toHaveLength(2);
      expect(second.firstRun).toEqual({ created: false });
      const admin = await db.prisma.operator.findFirstOrThrow();
      expect(admin).toMatchObject({ email: "admin@gatehouse.local", role: "MSP_ADMIN" });
    } finally {
      await db.drop();
    }
  });

  it("keeps secrets out of log lines", () => {
    const logged: string[] = [];
    const logger = createLogger("info", { write: (line: string) => logged.push(line) });
    logger.info({ password: "p4ss", pin: "123456", token: "gh_secret", req: { headers: { authorization: "Bearer abc", cookie: "gatehouse_session=xyz" } }, body: { password: "nested" } }, "hello");
    expect(logged.join("")).not.toMatch(/p4ss|123456|gh_secret|Bearer abc|xyz|nested/);
  });
});
