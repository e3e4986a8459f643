// A replica that takes connections and never answers them: a dead host behind a live proxy, or a
// survivor whose listen queue holds a failed replica's thousands of agents. The agent cuts its
// first attempt at the base limit, so a dead replica costs it seconds, not TCP's minutes; each
// later attempt of the same outage waits as long again as the outage has lasted, up to the cap,
// so agents queued behind a failover are not all cut (and re-queued at the back) at the base.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import { HubLink } from "../src/sync/hub-link.ts";
import { connectTimeoutMs } from "../src/sync/connect-timeout.ts";

const BASE_MS = 300;
const CAP_MS = 1_200;

/** Accepts every connection and says nothing; records how long each stayed open. */
async function unansweringReplica(): Promise<{ url: string; held: number[]; server: Server }> {
  const held: number[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const openedAt = performance.now();
    sockets.add(socket);
    socket.resume();
    socket.on("close", () => {
      sockets.delete(socket);
      held.push(performance.now() - openedAt);
    });
  });
  server.on("close", () => sockets.forEach((socket) => socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, held, server };
}

describe("an agent whose connection attempts are never answered", () => {
  let link: HubLink | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    link?.stop();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it("gives the first attempt the base limit, each later one as long again as the outage has lasted, and none more than the cap", async () => {
    const replica = await unansweringReplica();
    server = replica.server;
    link = new HubLink({
      urls: [replica.url],
      credential: "c".repeat(43),
      heartbeatTimeoutMs: 5_000,
      backoff: { baseMs: 5, capMs: 10, random: () => 0.5 },
      connectTimeouts: { baseMs: BASE_MS, capMs: CAP_MS },
      logger: pino({ level: "silent" }),
      hello: () => ({ type: "hello", protocolVersion: 1, agentVersion: "test", backend: "dry-run" }),
      onMessage: () => undefined,
      onChange: () => undefined,
      onRefused: () => undefined,
    });
    link.start();
    await vi.waitFor(() => expect(replica.held.length).toBeGreaterThanOrEqual(6), 15_000);
    const [first, second, third, ...later] = replica.held;

    // The outage begins when the first attempt fails; the second starts a backoff (5 ms) into it.
    for (const early of [first, second]) {
      expect(early).toBeGreaterThan(BASE_MS - 50);
      expect(early).toBeLessThan(BASE_MS + 250);
    }
    // The third starts about BASE_MS into the outage, and may take that much longer.
    expect(third).toBeGreaterThan(second! + BASE_MS * 0.6);
    for (const held of later) {
      expect(held).toBeGreaterThan(CAP_MS - 50);
      expect(held).toBeLessThan(CAP_MS + 250);
    }
  }, 30_000);
});

describe("connectTimeoutMs", () => {
  it("is the base with no outage under way, grows with the outage, and stops at the cap", () => {
    const limits = { baseMs: 10_000, capMs: 60_000 };
    expect([0, -5, 4_000, 49_999, 50_000, 3_600_000].map((outage) => connectTimeoutMs(outage, limits))).toEqual([10_000, 10_000, 14_000, 59_999, 60_000, 60_000]);
  });
});
