// Finds the server behind each connecting agent's credential hash. Lookups that arrive in the
// same turn of the event loop share one query: after a control-plane restart thousands of
// agents reconnect at once, and one `IN (...)` beats thousands of round trips.
import type { PrismaClient } from "@gatehouse/db";

export interface AgentServer {
  id: string;
  tenantId: string;
  revokedAt: Date | null;
  /** The desired revision now, and what the agent last reported applying (hello check). */
  revision: number;
  appliedRevision: number | null;
  appliedHash: string | null;
}

interface Waiting {
  hash: string;
  resolve: (server: AgentServer | null) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 5_000;

export class CredentialLookup {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly prisma: PrismaClient) {}

  find(credentialHash: string): Promise<AgentServer | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ hash: credentialHash, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting.splice(0, MAX_BATCH);
    this.scheduled = this.waiting.length > 0;
    if (this.scheduled) setImmediate(() => void this.flush());
    try {
      const rows = await this.prisma.server.findMany({
        where: { agentCredentialHash: { in: [...new Set(batch.map((w) => w.hash))] } },
        select: { id: true, tenantId: true, revokedAt: true, revision: true, appliedRevision: true, appliedHash: true, agentCredentialHash: true },
      });
      const byHash = new Map(rows.map(({ agentCredentialHash, ...server }) => [agentCredentialHash, server]));
      for (const w of batch) w.resolve(byHash.get(w.hash) ?? null);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
