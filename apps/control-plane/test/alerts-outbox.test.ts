// The alert outbox keeps its promise when things go wrong: a delivery claimed by a worker that
// died is sent by the next one once the claim's lease is over, and a webhook host that resolves
// to a loopback address at delivery time (DNS rebinding) is refused without a retry.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serverDriftAlert } from "../src/alerts/alert-kinds.ts";
import { claimDue, raiseAlert } from "../src/alerts/outbox.ts";
import { postWebhook } from "../src/alerts/webhook-sender.ts";
import { AlertWorker } from "../src/alerts/worker.ts";
import { createLogger } from "../src/logger.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./kit/webhook-receiver.ts";
import { seedFleet, startUnderTest, TestClock, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

describe("the alert outbox", () => {
  let test: PlaneUnderTest;
  let fleet: Fleet;
  let hook: WebhookReceiver;

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    test = await startUnderTest(undefined, { clock: TestClock.wall(), env: { ALERT_WEBHOOK_ALLOW_PRIVATE: "true" } });
    fleet = await seedFleet(test.admin);
    await test.admin.alerts.add.mutate({ tenantId: fleet.tenantA.id, name: "hook", kinds: ["server.drift"], channel: "WEBHOOK", webhookUrl: hook.url });
  });
  afterAll(async () => {
    await test?.stop();
    await hook?.close();
  });

  it("a delivery whose worker died after claiming it is sent by another worker once the lease ends", async () => {
    const { prisma } = test.db;
    const server = { id: fleet.serverA1, name: "pbx-a1", tenantId: fleet.tenantA.id, tenantName: "Acme" };
    expect(await raiseAlert(prisma, serverDriftAlert(server, ["chain GATEHOUSE flushed"]), new Date())).toBe(1);
    // The first worker claims it and dies before sending (nothing else happens to the row).
    const [claimed] = await claimDue(prisma, new Date(), 300, 10);
    expect(claimed?.status).toBe("PENDING");
    expect(await claimDue(prisma, new Date(), 300, 10)).toEqual([]);

    const worker = new AlertWorker({ prisma, mailer: test.plane.app.travelers.mailer, logger: createLogger("silent"), now: () => new Date(), allowPrivateTargets: true, pollIntervalMs: 100 });
    worker.start();
    try {
      await vi.waitFor(() => expect(hook.received).toHaveLength(1), { timeout: 10_000 });
    } finally {
      await worker.close();
    }
    expect(hook.received[0]?.headers["x-gatehouse-delivery"]).toBe(claimed?.id);
    expect(await prisma.alertDelivery.findUnique({ where: { id: claimed?.id ?? "" } })).toMatchObject({ status: "DELIVERED", attempts: 2 });
  });

  it("a host name resolving to loopback is refused at delivery without the private setting, and not retried", async () => {
    const url = hook.url.replace("127.0.0.1", "localhost");
    const outcome = await postWebhook({ url, secret: "whsec_x", deliveryId: "d1", body: "{}", at: new Date() }, { allowPrivate: false, timeoutMs: 2_000 });
    expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining("loopback") });
    expect(hook.received.filter((request) => request.headers["x-gatehouse-delivery"] === "d1")).toHaveLength(0);
  });
});
