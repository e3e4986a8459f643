// The hub pings every agent once per heartbeat interval, a slice of them at a time: pinging
// 10,000 sockets in one go holds the event loop for a good part of a second, and a change or a
// failover landing then waits behind it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { seedServer, startHubUnderTest, TestAgentClient, type HubUnderTest } from "./kit/index.ts";

const AGENTS = 30;
const INTERVAL_MS = 1_500;

describe("the hub's heartbeat", () => {
  let hub: HubUnderTest;
  let agents: TestAgentClient[];

  beforeAll(async () => {
    hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite", { heartbeatIntervalMs: INTERVAL_MS });
    const servers = [];
    for (let i = 0; i < AGENTS; i++) servers.push(await seedServer(hub.test.db.prisma));
    agents = await Promise.all(servers.map((server) => TestAgentClient.connect(hub.url, server.credential)));
    await Promise.all(agents.map((agent) => agent.next("state")));
  }, 60_000);
  afterAll(async () => {
    for (const agent of agents ?? []) agent.close();
    await hub?.stop();
  });

  it("pings each agent once per interval, the agents spread over the interval rather than all at once", async () => {
    const pings = agents.map(() => [] as number[]);
    agents.forEach((agent, i) => agent.socket.on("ping", () => pings[i]!.push(performance.now())));
    await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_MS + 300));
    for (const times of pings) {
      expect(times.length).toBeGreaterThanOrEqual(2);
      expect(times[1]! - times[0]!).toBeGreaterThan(INTERVAL_MS * 0.8);
      expect(times[1]! - times[0]!).toBeLessThan(INTERVAL_MS * 1.2);
    }
    const firsts = pings.map((times) => times[0]!).sort((a, b) => a - b);
    expect(firsts.at(-1)! - firsts[0]!, "first pings spread over the interval").toBeGreaterThan(INTERVAL_MS / 2);
    expect(agents.every((agent) => agent.closeCode === null), "agents that answer are never cut off").toBe(true);
  }, 30_000);
});
