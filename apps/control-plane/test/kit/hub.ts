// A control plane with the agent hub, and servers seeded with credentials straight into the
// database for TestAgentClient (agent-client.ts) to connect with.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@gatehouse/db";
import { sha256Hex } from "@gatehouse/core";
import type { DatabaseKind } from "@gatehouse/db";
import type { AgentDirectory } from "../../src/app.ts";
import type { RevisionChange } from "../../src/bus.ts";
import { agentHubExtension, type AgentHubExtensionOptions } from "../../src/hub/agent-hub-extension.ts";
import { serverAgentDetail } from "../../src/hub/fleet-status.ts";
import { startUnderTest, type PlaneUnderTest } from "./plane.ts";

export interface SeededServer {
  id: string;
  tenantId: string;
  credential: string;
}

export async function seedServer(prisma: PrismaClient, name = `pbx-${randomBytes(4).toString("hex")}`): Promise<SeededServer> {
  const tenant = await prisma.tenant.upsert({ where: { name: "Acme" }, create: { name: "Acme" }, update: {} });
  const credential = randomBytes(32).toString("base64url");
  const server = await prisma.server.create({
    data: { tenantId: tenant.id, name, primaryAdminSource: "198.51.100.1", agentCredentialHash: sha256Hex(credential) },
  });
  return { id: server.id, tenantId: tenant.id, credential };
}

export interface HubUnderTest {
  url: string;
  test: PlaneUnderTest;
  /** The hub as the rest of the control plane sees it. */
  agents: AgentDirectory;
  /** What runMutation does after a commit: tell the bus these servers' new revisions. */
  publish(event: RevisionChange): void;
  /** What fleet status says (presence is in the database, written within ~100 ms). */
  isOnline(serverId: string): Promise<boolean>;
  stop(): Promise<void>;
}

/** A real control plane (HTTP server, tRPC API, bus, the hub as its extension) on `db`. */
export async function startHubUnderTest(kind: DatabaseKind, options: AgentHubExtensionOptions = {}): Promise<HubUnderTest> {
  const test = await startUnderTest(kind, { extensions: [agentHubExtension(options)] });
  const agents = test.plane.app.agents;
  if (!agents) throw new Error("the agent hub extension did not attach");
  return {
    url: test.plane.url,
    test,
    agents,
    publish: (event) => test.plane.bus.publish([event]),
    isOnline: async (serverId) => (await serverAgentDetail(test.db.prisma, serverId))?.online ?? false,
    stop: () => test.stop(),
  };
}
