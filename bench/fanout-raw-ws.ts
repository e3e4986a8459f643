// The wire's limit for bench/fanout.bench.ts: a raw `ws` server in a child process (as the
// control plane is) broadcasts one message of the state's size to N plain `ws` clients in this
// process. Times from the broadcast request to each client's receipt, p50/p99.
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import WebSocket, { WebSocketServer } from "ws";
import { percentile } from "./stats.ts";

type RawRequest = { cmd: "broadcast"; bytes: number } | { cmd: "stop" };
type RawReply = { ready: { port: number } } | { sent: true };

function serveRaw(): void {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 }, () => {
    const address = server.address();
    process.send?.({ ready: { port: typeof address === "object" && address !== null ? address.port : 0 } } satisfies RawReply);
  });
  process.on("message", (request: RawRequest) => {
    if (request.cmd === "stop") process.exit(0);
    const message = JSON.stringify({ type: "state", padding: "x".repeat(Math.max(0, request.bytes - 30)) });
    for (const client of server.clients) client.send(message);
    process.send?.({ sent: true } satisfies RawReply);
  });
}

export interface RawBroadcast {
  p50Ms: number;
  p99Ms: number;
}


/** One broadcast of `bytes` to `n` clients, from the request to each receipt. */
export async function rawBroadcast(n: number, bytes: number): Promise<RawBroadcast> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve-raw"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (reply: RawReply) => "ready" in reply && resolve(reply.ready.port)));
  const clients: WebSocket[] = [];
  try {
    for (let i = 0; i < n; i += 500) {
      const wave = Array.from({ length: Math.min(500, n - i) }, () => new WebSocket(`ws://127.0.0.1:${port}`));
      await Promise.all(wave.map((ws) => new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject))));
      clients.push(...wave);
    }
    const received = clients.map((ws) => new Promise<number>((resolve) => ws.once("message", () => resolve(performance.now()))));
    const start = performance.now();
    child.send({ cmd: "broadcast", bytes } satisfies RawRequest);
    const latencies = (await Promise.all(received)).map((at) => at - start).sort((a, b) => a - b);
    return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    for (const ws of clients) ws.terminate();
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.send({ cmd: "stop" } satisfies RawRequest);
    await exited;
  }
}

const isEntry = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry && process.argv[2] === "--serve-raw") serveRaw();
