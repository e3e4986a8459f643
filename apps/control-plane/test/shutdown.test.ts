// SIGTERM on the control plane must finish while agents are connected: the hub ends their
// WebSocket sockets, which the HTTP server's close would otherwise wait for forever.
import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { eventually, seedServer, startHubUnderTest, TestAgentClient } from "./hub-fixture.ts";

describe("shutting the control plane down", () => {
  it("closes with an agent connected, and the agent sees its connection end", async () => {
    const hub = await startHubUnderTest(testDatabaseKinds()[0] ?? "pglite");
    const server = await seedServer(hub.test.db.prisma);
    const agent = await TestAgentClient.connect(hub.url, server.credential);
    await agent.next("state");

    await hub.test.plane.close();

    await eventually("the agent's connection is closed", () => agent.closeCode !== null);
    await hub.test.db.drop();
  });
});
