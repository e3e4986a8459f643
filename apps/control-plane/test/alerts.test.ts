// Alerts as an operator lives them: a rule per tenant (or for the fleet), and when a server goes
// offline, drifts or rolls back, the alert arrives — as a signed webhook at a real HTTP listener
// (retried after a 500) and as mail at a real SMTP server — only to those allowed to hear it.
import { createHmac, randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "@gatehouse/core";
import type { ReportMessage } from "@gatehouse/protocol";
import { alertsExtension } from "../src/alerts/extension.ts";
import { agentHubExtension } from "../src/hub/agent-hub-extension.ts";
import { createLogger } from "../src/logger.ts";
import { HANG, startWebhookReceiver, type WebhookReceiver } from "./kit/webhook-receiver.ts";
import { errorOf, seedFleet, startTestSmtpServer, startUnderTest, TestAgentClient, TestClock, type Api, type Fleet, type PlaneUnderTest, type TestSmtpServer } from "./kit/index.ts";

const PASSWORD = "a long enough password";

const report = (extra: Partial<ReportMessage> = {}): ReportMessage => ({
  type: "report",
  appliedRevision: 1,
  rulesetHash: "r".repeat(64),
  desiredHash: "d".repeat(64),
  setSizes: {},
  ruleCount: 9,
  unresolved: [],
  resolutions: [],
  errors: [],
  agentVersion: "test",
  backend: "iptables",
  ...extra,
});

/** What a receiver does to check a Gatehouse webhook: HMAC-SHA256 over "<timestamp>.<body>". */
function signatureValid(secret: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const timestamp = String(headers["x-gatehouse-timestamp"]);
  const expected = `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  return headers["x-gatehouse-signature"] === expected;
}

describe("alerts", () => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let smtp: TestSmtpServer;
  let hookA: WebhookReceiver;
  let hookB: WebhookReceiver;
  let hookFleet: WebhookReceiver;
  let adminA: Api;
  let adminB: Api;
  const logLines: string[] = [];
  const credentials = new Map<string, string>();

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    [hookA, hookB, hookFleet] = await Promise.all([startWebhookReceiver(), startWebhookReceiver(), startWebhookReceiver()]);
    const logs = new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString("utf8")), done()) });
    test = await startUnderTest(undefined, {
      clock: TestClock.wall(),
      logger: createLogger("debug", logs),
      env: { SMTP_URL: smtp.url, ALERT_WEBHOOK_ALLOW_PRIVATE: "true" },
      extensions: [
        agentHubExtension(),
        alertsExtension({ retry: { attempts: 3, firstDelayMs: 100, maxDelayMs: 400 }, pollIntervalMs: 100, offlineAfterMs: 300, webhookTimeoutMs: 500 }),
      ],
    });
    fleet = await seedFleet(test.admin);
    for (const serverId of [fleet.serverA1, fleet.serverB1]) {
      const credential = randomBytes(32).toString("base64url");
      credentials.set(serverId, credential);
      await test.db.prisma.server.update({ where: { id: serverId }, data: { agentCredentialHash: sha256Hex(credential) } });
    }
    for (const [prefix, tenantId] of [["a", fleet.tenantA.id], ["b", fleet.tenantB.id]] as const) {
      await test.admin.operators.create.mutate({ email: `${prefix}-admin@example.net`, name: `${prefix} admin`, password: PASSWORD, role: "TENANT_ADMIN", tenantId });
    }
    adminA = await test.signIn("a-admin@example.net", PASSWORD);
    adminB = await test.signIn("b-admin@example.net", PASSWORD);
  });

  afterAll(async () => {
    await test?.stop();
    await Promise.all([smtp?.close(), hookA?.close(), hookB?.close(), hookFleet?.close()]);
  });

  const agent = (serverId: string) => TestAgentClient.connect(test.plane.url, credentials.get(serverId) ?? "");

  it("a test alert reaches a real webhook signed with the secret shown once, and is retried after a 500", async () => {
    const { rule, webhookSecret } = await adminA.alerts.add.mutate({ tenantId: fleet.tenantA.id, name: "ops slack", kinds: ["server.drift"], channel: "WEBHOOK", webhookUrl: hookA.url });
    expect(webhookSecret).toMatch(/^whsec_/);
    expect(JSON.stringify(await adminA.alerts.list.query())).not.toContain(webhookSecret);

    hookA.answerNext(500);
    const { deliveryId } = await adminA.alerts.test.mutate({ alertRuleId: rule.id });
    await vi.waitFor(() => expect(hookA.received.filter((hook) => hook.status === 200)).toHaveLength(1), { timeout: 10_000 });

    const [failed, delivered] = hookA.received;
    expect(failed?.status).toBe(500);
    expect(delivered?.headers["x-gatehouse-delivery"]).toBe(deliveryId);
    expect(failed?.headers["x-gatehouse-delivery"]).toBe(deliveryId);
    expect(signatureValid(webhookSecret ?? "", delivered?.headers ?? {}, delivered?.body ?? "")).toBe(true);
    expect(signatureValid("whsec_not-the-secret", delivered?.headers ?? {}, delivered?.body ?? "")).toBe(false);
    expect(JSON.parse(delivered?.body ?? "{}")).toMatchObject({ text: expect.stringContaining("ops slack"), kind: "alert.test" });

    await vi.waitFor(async () => expect((await adminA.alerts.deliveries.query({ alertRuleId: rule.id }))[0]).toMatchObject({ status: "DELIVERED", attempts: 2 }));
    const audit = await adminA.audit.list.query({ targetId: rule.id });
    expect(audit.events.map((event) => event.action)).toEqual(expect.arrayContaining(["alert_rule.created", "alert.retry_scheduled", "alert.delivered"]));
  });

  it("a receiver that times out is tried again; one that keeps failing is given up on, and that is audited", async () => {
    const { rule } = await adminA.alerts.add.mutate({ tenantId: fleet.tenantA.id, name: "flaky hook", kinds: ["server.rolled_back"], channel: "WEBHOOK", webhookUrl: hookA.url });
    const start = hookA.received.length;
    hookA.answerNext(HANG, 500, 500);
    const { deliveryId } = await adminA.alerts.test.mutate({ alertRuleId: rule.id });
    await vi.waitFor(async () => expect((await adminA.alerts.deliveries.query({ alertRuleId: rule.id }))[0]).toMatchObject({ id: deliveryId, status: "FAILED", attempts: 3 }), { timeout: 10_000 });
    expect(hookA.received.slice(start).map((hook) => hook.status)).toEqual([HANG, 500, 500]);
    const actions = (await adminA.audit.list.query({ targetId: rule.id })).events.map((event) => event.action);
    expect(actions.filter((action) => action === "alert.retry_scheduled")).toHaveLength(2);
    expect(actions).toContain("alert.failed");
    const failed = (await adminA.audit.list.query({ targetId: rule.id, action: "alert.failed" })).events[0];
    expect(failed?.summary).toContain("HTTP 500");
    const timedOut = (await test.db.prisma.auditEvent.findMany({ where: { targetId: rule.id, action: "alert.retry_scheduled" }, orderBy: { at: "asc" } }))[0];
    expect(JSON.stringify(timedOut?.after)).toContain("no answer within 500 ms");
  });

  it("a drift on pbx-a1 reaches tenant A's rule and the fleet rule, never tenant B's", async () => {
    const fleetRule = await test.admin.alerts.add.mutate({ name: "noc", kinds: ["server.drift", "server.rolled_back"], channel: "WEBHOOK", webhookUrl: hookFleet.url });
    await adminB.alerts.add.mutate({ tenantId: fleet.tenantB.id, name: "bravo hook", kinds: ["server.drift"], channel: "WEBHOOK", webhookUrl: hookB.url });
    const before = hookA.received.length;

    const pbx = await agent(fleet.serverA1);
    pbx.send(report({ drift: { problems: ["set gh4-sip was flushed"] } }));
    await vi.waitFor(() => expect(hookFleet.received).toHaveLength(1), { timeout: 10_000 });
    await vi.waitFor(() => expect(hookA.received.length).toBe(before + 1), { timeout: 10_000 });
    pbx.close();

    const text = (JSON.parse(hookFleet.received[0]?.body ?? "{}") as { text: string }).text;
    expect(text).toContain("pbx-a1 (Acme)");
    expect(text).toContain("set gh4-sip was flushed");
    expect(signatureValid(fleetRule.webhookSecret ?? "", hookFleet.received[0]?.headers ?? {}, hookFleet.received[0]?.body ?? "")).toBe(true);
    expect(hookB.received).toHaveLength(0);
    expect(await test.db.prisma.alertDelivery.count({ where: { tenantId: fleet.tenantB.id } })).toBe(0);
  });

  it("an agent going offline mails the tenant's e-mail rule through the real SMTP server", async () => {
    await adminA.alerts.add.mutate({ tenantId: fleet.tenantA.id, name: "on-call mail", kinds: ["server.offline"], channel: "EMAIL", email: "oncall@example.net" });
    const pbx = await agent(fleet.serverA1);
    await pbx.next("state");
    pbx.close();

    const mail = (await smtp.waitForMessages(1)).find((message) => message.to.includes("oncall@example.net"));
    expect(mail?.subject).toContain("pbx-a1 (Acme) is offline");
    expect(mail?.text).toContain("server.offline");
  });

  it("an agent that reconnects within the grace period raises no offline alert", async () => {
    const before = await test.db.prisma.alertDelivery.count({ where: { kind: "server.offline" } });
    const first = await agent(fleet.serverA1);
    await first.next("state");
    first.close();
    const second = await agent(fleet.serverA1);
    await second.next("state");
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await test.db.prisma.alertDelivery.count({ where: { kind: "server.offline" } })).toBe(before);
    second.close();
  });

  it("an agent that fails over to another replica within the grace period raises no offline alert", async () => {
    const before = await test.db.prisma.alertDelivery.count({ where: { kind: "server.offline" } });
    const other = await test.db.prisma.controlPlaneReplica.create({ data: { id: `other-${randomBytes(4).toString("hex")}`, listenUrl: "http://192.0.2.9:8080" } });
    const pbx = await agent(fleet.serverA1);
    await pbx.next("state");
    pbx.close();
    // This replica records the disconnect; the agent is on the other replica moments later.
    await vi.waitFor(async () => expect((await test.db.prisma.server.findUniqueOrThrow({ where: { id: fleet.serverA1 } })).connectedReplicaId).toBeNull());
    await test.db.prisma.server.update({ where: { id: fleet.serverA1 }, data: { connectedReplicaId: other.id } });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await test.db.prisma.alertDelivery.count({ where: { kind: "server.offline" } })).toBe(before);
    await test.db.prisma.server.update({ where: { id: fleet.serverA1 }, data: { connectedReplicaId: null } });
    await test.db.prisma.controlPlaneReplica.delete({ where: { id: other.id } });
  });

  it("a tenant admin cannot make a fleet rule, nor see, test or remove another tenant's rules", async () => {
    expect((await errorOf(adminA.alerts.add.mutate({ name: "everything", kinds: ["server.offline"], channel: "EMAIL", email: "x@example.net" }))).code).toBe("FORBIDDEN");
    const bRule = await adminB.alerts.add.mutate({ tenantId: fleet.tenantB.id, name: "bravo mail", kinds: ["server.offline"], channel: "EMAIL", email: "b@example.net" });
    expect((await errorOf(adminA.alerts.add.mutate({ tenantId: fleet.tenantB.id, name: "spy", kinds: ["server.drift"], channel: "EMAIL", email: "spy@example.net" }))).code).toBe("NOT_FOUND");
    const seenByA = await adminA.alerts.list.query({ tenantId: fleet.tenantB.id }).catch(() => []);
    expect(seenByA.map((rule) => rule.tenantId)).not.toContain(fleet.tenantB.id);
    expect((await adminA.alerts.list.query()).every((rule) => rule.tenantId === fleet.tenantA.id)).toBe(true);
    expect((await errorOf(adminA.alerts.remove.mutate({ alertRuleId: bRule.rule.id }))).code).toBe("NOT_FOUND");
    expect((await errorOf(adminA.alerts.test.mutate({ alertRuleId: bRule.rule.id }))).code).toBe("NOT_FOUND");
    const fleetRule = (await test.admin.alerts.list.query({ fleetOnly: true }))[0];
    expect((await errorOf(adminA.alerts.remove.mutate({ alertRuleId: fleetRule?.id ?? "" }))).code).toBe("NOT_FOUND");
    expect((await adminA.alerts.deliveries.query()).every((delivery) => delivery.ruleName !== "noc")).toBe(true);
  });

  it("an operator locked out by wrong passwords is alerted once, to the fleet rule", async () => {
    await test.admin.alerts.add.mutate({ name: "security desk", kinds: ["operator.locked_out", "traveler.locked_out"], channel: "EMAIL", email: "security@example.net" });
    for (let attempt = 0; attempt < 7; attempt += 1) {
      await errorOf(test.client().auth.login.mutate({ email: "b-admin@example.net", password: "not the password at all" }));
    }
    const mail = await vi.waitFor(
      () => {
        const found = smtp.received.filter((message) => message.to.includes("security@example.net"));
        expect(found).toHaveLength(1);
        return found[0];
      },
      { timeout: 10_000 },
    );
    expect(mail?.subject).toContain("sign-ins as b-admin@example.net are refused");
    expect(await test.db.prisma.alertDelivery.count({ where: { kind: "operator.locked_out" } })).toBe(1);
  });

  it("the webhook secrets never appear in the logs or the audit log", async () => {
    const rules = await test.db.prisma.alertRule.findMany({ where: { webhookSecret: { not: null } }, select: { webhookSecret: true } });
    expect(rules.length).toBeGreaterThan(0);
    const audit = JSON.stringify(await test.db.prisma.auditEvent.findMany());
    const logs = logLines.join("");
    expect(logs).toContain("alert delivery failed");
    for (const { webhookSecret } of rules) {
      expect(audit).not.toContain(webhookSecret);
      expect(logs).not.toContain(webhookSecret);
    }
  });
});

describe("webhook targets without ALERT_WEBHOOK_ALLOW_PRIVATE", () => {
  let test: PlaneUnderTest;

  beforeAll(async () => {
    test = await startUnderTest(undefined, { env: {} });
  });
  afterAll(() => test?.stop());

  it.each([
    ["http://127.0.0.1:8080/hook", "https:// URL"],
    ["https://127.0.0.1/hook", "loopback"],
    ["https://[::1]/hook", "loopback"],
    ["https://169.254.169.254/latest/meta-data/", "metadata"],
    ["https://[::ffff:169.254.169.254]/", "metadata"],
    ["https://10.1.2.3/hook", "private"],
    ["https://localhost/hook", "not a public host name"],
    ["https://user:pw@hooks.example.net/x", "user name or password"],
  ])("%s is refused (%s) and no rule is made", async (webhookUrl, reason) => {
    const refused = await errorOf(test.admin.alerts.add.mutate({ name: "x", kinds: ["server.drift"], channel: "WEBHOOK", webhookUrl }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.field).toBe("webhookUrl");
    expect(refused.message).toContain(reason);
    expect(await test.db.prisma.alertRule.count()).toBe(0);
  });
});

describe("webhook targets with ALERT_WEBHOOK_ALLOW_PRIVATE", () => {
  let test: PlaneUnderTest;

  beforeAll(async () => {
    test = await startUnderTest(undefined, { env: { ALERT_WEBHOOK_ALLOW_PRIVATE: "true" } });
  });
  afterAll(() => test?.stop());

  it("the cloud metadata service is still refused", async () => {
    const refused = await errorOf(test.admin.alerts.add.mutate({ name: "x", kinds: ["server.drift"], channel: "WEBHOOK", webhookUrl: "http://169.254.169.254/latest/" }));
    expect(refused.message).toContain("metadata");
  });
});
