// Finds the server behind each connecting agent's credential hash. Lookups that arrive in the
// same turn of the event loop share one query (TickBatcher): after a control-plane restart
// thousands of agents reconnect at once, and one `IN (...)` beats thousands of round trips.
import type { PrismaClient } from "@gatehouse/db";
import { TickBatcher } from "./tick-batcher.ts";

export interface AgentServer {
  id: string;
  tenantId: string;
  revokedAt: Date | null;
  /** The desired revision now, and what the agent last reported applying (hello check). */
  revision: number;
  appliedRevision: number | null;
  appliedHash: string | null;
}

export class CredentialLookup {
  private readonly batches: TickBatcher<string, AgentServer>;

  constructor(prisma: PrismaClient) {
    this.batches = new TickBatcher({ load: (hashes) => serversByCredential(prisma, hashes), maxBatch: 5_000, concurrency: 4 });
  }

  /** The server whose agent credential hashes to `credentialHash`; null when none. */
  find(credentialHash: string): Promise<AgentServer | null> {
    return this.batches.get(credentialHash);
  }
}

async function serversByCredential(prisma: PrismaClient, hashes: string[]): Promise<Map<string, AgentServer>> {
  const rows = await prisma.server.findMany({
    where: { agentCredentialHash: { in: hashes } },
    select: { id: true, tenantId: true, revokedAt: true, revision: true, appliedRevision: true, appliedHash: true, agentCredentialHash: true },
  });
  return new Map(rows.flatMap(({ agentCredentialHash, ...server }) => (agentCredentialHash === null ? [] : [[agentCredentialHash, server]])));
}
