// Posts one alert to a webhook, signed the way Stripe and Slack sign theirs:
//   X-Gatehouse-Timestamp: <unix seconds>
//   X-Gatehouse-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
//   X-Gatehouse-Delivery:  <delivery id> (the same on every retry: receivers drop duplicates)
// The body is Slack-compatible JSON ({"text": ...} plus Gatehouse's own fields). Redirects are
// not followed (a 3xx is a failure), the connection goes only to addresses webhook-target.ts
// allows, and a slow receiver is cut off after the timeout.
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { guardedLookup } from "./webhook-target.ts";

const SIGNATURE_HEADER = "x-gatehouse-signature";
const TIMESTAMP_HEADER = "x-gatehouse-timestamp";
const DELIVERY_HEADER = "x-gatehouse-delivery";

function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface WebhookPost {
  url: string;
  secret: string;
  deliveryId: string;
  body: string;
  at: Date;
}

export type PostOutcome = { ok: true; status: number } | { ok: false; error: string; retryable: boolean };

export interface WebhookSenderOptions {
  allowPrivate: boolean;
  timeoutMs: number;
}

export function postWebhook(post: WebhookPost, options: WebhookSenderOptions): Promise<PostOutcome> {
  const timestamp = String(Math.floor(post.at.getTime() / 1000));
  const url = new URL(post.url);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(url, {
      method: "POST",
      lookup: guardedLookup(options.allowPrivate),
      timeout: options.timeoutMs,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(post.body),
        "user-agent": "Gatehouse-Alerts/1",
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: webhookSignature(post.secret, timestamp, post.body),
        [DELIVERY_HEADER]: post.deliveryId,
      },
    });
    req.on("response", (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve({ ok: true, status });
      else resolve({ ok: false, error: `the webhook answered HTTP ${status}`, retryable: status >= 500 || status === 408 || status === 429 });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ ok: false, error: error.message, retryable: error.code !== "EREFUSEDTARGET" }));
    req.end(post.body);
  });
}
