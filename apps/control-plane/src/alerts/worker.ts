// Delivers the alert outbox: claims due deliveries, sends each by mail (the control plane's one
// mailer) or as a signed webhook, and records the outcome with its audit event in one
// transaction: alert.delivered, alert.retry_scheduled (a failure, an SMTP error, a 5xx, a
// timeout: tried again after an exponential backoff) or alert.failed (out of attempts, or a
// refusal a retry cannot mend: a 4xx, a refused target). Woken when an alert is raised in this
// process, and polling for those raised elsewhere (other replicas, the travelers' lockouts).
import type { PrismaClient } from "@gatehouse/db";
import { writeAuditEvents } from "../audit-writer.ts";
import type { Logger } from "../logger.ts";
import type { Mailer } from "../mail/index.ts";
import { claimDue, type AlertPayload, type ClaimedDelivery } from "./outbox.ts";
import { postWebhook, type PostOutcome } from "./webhook-sender.ts";

export interface AlertRetryPolicy {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_ALERT_RETRY: AlertRetryPolicy = { attempts: 6, firstDelayMs: 5_000, maxDelayMs: 600_000 };

export interface AlertWorkerOptions {
  prisma: PrismaClient;
  mailer: Mailer;
  logger: Logger;
  now: () => Date;
  allowPrivateTargets: boolean;
  retry?: AlertRetryPolicy;
  pollIntervalMs?: number;
  webhookTimeoutMs?: number;
  /** How long a claimed delivery stays claimed; after it, another worker may try it again. */
  leaseMs?: number;
}

const BATCH = 20;

export class AlertWorker {
  private readonly retry: AlertRetryPolicy;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(private readonly options: AlertWorkerOptions) {
    this.retry = options.retry ?? DEFAULT_ALERT_RETRY;
  }

  start(): void {
    const poll = setInterval(() => this.kick(), this.options.pollIntervalMs ?? 5_000);
    poll.unref();
    this.timer = poll;
    this.kick();
  }

  /** Look at the outbox now (an alert was just raised, or a retry is due). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when nothing is being delivered (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const claimed = await claimDue(this.options.prisma, this.options.now(), this.options.leaseMs ?? 120_000, BATCH);
        await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
        if (claimed.length < BATCH || this.closed) return;
      }
    } catch (error) {
      this.options.logger.error({ err: error }, "alert outbox: cannot deliver");
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.send(delivery);
    if (outcome.ok) return this.record(delivery, "alert.delivered", { status: "DELIVERED", deliveredAt: this.options.now(), lastError: null });
    const final = !outcome.retryable || delivery.attempts >= this.retry.attempts;
    this.options.logger.warn({ deliveryId: delivery.id, ruleId: delivery.ruleId, attempt: delivery.attempts, error: outcome.error, final }, "alert delivery failed");
    if (final) return this.record(delivery, "alert.failed", { status: "FAILED", lastError: outcome.error }, outcome.error);
    const delayMs = Math.min(this.retry.maxDelayMs, this.retry.firstDelayMs * 2 ** (delivery.attempts - 1));
    await this.record(delivery, "alert.retry_scheduled", { lastError: outcome.error, nextAttemptAt: new Date(this.options.now().getTime() + delayMs) }, outcome.error);
    setTimeout(() => this.kick(), delayMs).unref();
  }

  private async send(delivery: ClaimedDelivery): Promise<PostOutcome> {
    const payload = delivery.payload as unknown as AlertPayload;
    const { rule } = delivery;
    if (rule.channel === "EMAIL") {
      try {
        await this.options.mailer.send({ to: rule.email ?? "", subject: payload.subject, text: mailText(payload) });
        return { ok: true, status: 250 };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error), retryable: true };
      }
    }
    const body = JSON.stringify({ text: payload.text, kind: payload.alert.kind, raisedAt: payload.raisedAt, details: payload.alert.details, deliveryId: delivery.id });
    return postWebhook(
      { url: rule.webhookUrl ?? "", secret: rule.webhookSecret ?? "", deliveryId: delivery.id, body, at: this.options.now() },
      { allowPrivate: this.options.allowPrivateTargets, timeoutMs: this.options.webhookTimeoutMs ?? 10_000 },
    );
  }

  private async record(delivery: ClaimedDelivery, action: string, data: { status?: "DELIVERED" | "FAILED"; deliveredAt?: Date; lastError: string | null; nextAttemptAt?: Date }, error?: string): Promise<void> {
    const { prisma, now } = this.options;
    const after = { deliveryId: delivery.id, kind: delivery.kind, channel: delivery.rule.channel, rule: delivery.rule.name, attempt: delivery.attempts, ...(error ? { error } : {}) };
    await prisma.$transaction([
      prisma.alertDelivery.update({ where: { id: delivery.id }, data }),
      writeAuditEvents(prisma, [{ at: now(), actor: "system", action, tenantId: delivery.tenantId, targetType: "alertRule", targetId: delivery.ruleId, after }]),
    ]);
  }
}

function mailText(payload: AlertPayload): string {
  const facts = Object.entries(payload.alert.details).map(([key, value]) => `  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  return [payload.text, "", `Alert: ${payload.alert.kind}`, `Raised at: ${payload.raisedAt}`, ...facts, "", "You get this mail because a Gatehouse alert rule sends these alerts to this address."].join("\n");
}
