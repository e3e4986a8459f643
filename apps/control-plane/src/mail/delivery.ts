// Mail that must not be lost to a brief SMTP outage: a few attempts with exponential backoff,
// then the caller is told it failed (and records that where an operator will see it).
import type { Mailer, MailMessage } from "./mailer.ts";

export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
  /** Injected so tests need not wait; defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_MAIL_RETRY: RetryPolicy = { attempts: 4, firstDelayMs: 2_000 };

export type DeliveryResult = { delivered: true; attempts: number } | { delivered: false; attempts: number; error: string };

export async function deliverWithRetry(
  mailer: Mailer,
  message: MailMessage,
  policy: RetryPolicy = DEFAULT_MAIL_RETRY,
): Promise<DeliveryResult> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastError = "";
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    try {
      await mailer.send(message);
      return { delivered: true, attempts: attempt };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      if (attempt < policy.attempts) await sleep(policy.firstDelayMs * 2 ** (attempt - 1));
    }
  }
  return { delivered: false, attempts: policy.attempts, error: lastError };
}
