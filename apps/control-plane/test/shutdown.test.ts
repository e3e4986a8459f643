// SIGTERM on the control plane must finish while agents are connected: the hub ends their
// WebSocket sockets, which the HTTP server's close would otherwise wait for forever.
import { describe, expect, it, vi } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { seedServer, startHubUnderTest, TestAgentClient } from "./kit/index.ts";

describe("shutting the control plane down", () => {
  it("closes with an agent connected, and the agent sees its connection end", async () => {
    const hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite");
    const server = await seedServer(hub.test.db.prisma);
    const agent = await TestAgentClient.connect(hub.url, server.credential);
    await agent.next("state");

    await hub.test.plane.close();

    await vi.waitFor(() => expect(agent.closeCode, "the agent's connection is closed").not.toBeNull(), 10_000);
    await hub.test.db.drop();
  });
});
