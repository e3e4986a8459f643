// A real HTTP listener standing in for a Slack-compatible webhook: it keeps every request it
// receives (headers and raw body) and answers with the statuses it is told to, in order, then 200;
// the status HANG answers nothing at all (a receiver that times out).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** What the receiver answered. */
  status: number;
}

export const HANG = 0;

export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  /** Answer the next requests with these statuses (e.g. [500]), then 200 again. */
  answerNext(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = "/hooks/gatehouse"): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const queued: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const status = req.url === path ? (queued.shift() ?? 200) : 404;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      if (status === HANG) return;
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answerNext: (...statuses) => queued.push(...statuses),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
