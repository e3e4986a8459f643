// The hub pushes each change's state to the agent. An agent that stops reading (a wedged host,
// a link that stalls) must not make the hub queue state after state for it: once its socket
// holds PUSH_BACKLOG_BYTES unsent, changes reach it only as `changed {revision}`, and when it
// reads again a fetch brings the latest state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { seedServer, startHubUnderTest, TestAgentClient, type HubUnderTest, type SeededServer } from "./kit/index.ts";

/** Entries on the server, for a state of ~250 KB: a few dozen fill the kernel's socket buffers. */
const ENTRIES = 4_000;
const CHANGES = 80;

describe.each(testDatabaseKinds())("an agent that stops reading, on %s", (kind) => {
  let hub: HubUnderTest;
  let server: SeededServer;

  beforeAll(async () => {
    hub = await startHubUnderTest(kind);
    server = await seedServer(hub.test.db.prisma);
    const entries = Array.from({ length: ENTRIES }, (_, i) => ({ source: `10.${(i >> 8) & 255}.${i & 255}.0/24`, sourceKind: "cidr", services: ["sip", "rtp"], scope: "SERVER" as const, serverId: server.id, comment: `site ${i}` }));
    await hub.test.db.prisma.allowEntry.createMany({ data: entries });
  }, 60_000);
  afterAll(async () => hub?.stop());

  it("gets whole states only up to the backlog bound, then `changed` notices, and the latest state when it fetches", async () => {
    const agent = await TestAgentClient.connect(hub.url, server.credential);
    const first = await agent.next("state");
    const stateBytes = JSON.stringify(first).length;
    expect(stateBytes).toBeGreaterThan(200_000);
    agent.socket.pause();
    let revision = first.revision;
    for (let change = 0; change < CHANGES; change++) {
      revision = (await hub.test.db.prisma.server.update({ where: { id: server.id }, data: { revision: { increment: 1 } } })).revision;
      hub.publish({ serverId: server.id, revision });
      await new Promise((resolve) => setTimeout(resolve, 25)); // each load lands before the next change
    }
    agent.socket.resume();
    await agent.next("changed", (m) => m.revision === revision);
    const pushed = agent.received.filter((m) => m.type === "state").length - 1;
    expect(pushed, "whole states queued for a reader that had stopped").toBeLessThan(CHANGES / 2);

    const from = agent.received.length;
    agent.send({ type: "fetch", revision });
    expect((await agent.next("state", () => true, from)).revision).toBe(revision);
    agent.close();
  }, 120_000);
});
