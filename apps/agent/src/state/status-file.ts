// The running agent's view of itself, rewritten on every change, for `gatehouse-agent status`.
import { z } from "zod";
import { unresolvedFqdnSchema } from "@gatehouse/protocol";
import { writeFileAtomic } from "./atomic-file.ts";
import { readJsonFile } from "./state-dir.ts";

export const agentStatusSchema = z.object({
  pid: z.number().int(),
  agentVersion: z.string(),
  backend: z.string(),
  serverId: z.string(),
  /** Revision of the desired state enforced now; null before anything was applied. */
  revision: z.number().int().nullable(),
  desiredHash: z.string().nullable(),
  rulesetHash: z.string().nullable(),
  setSizes: z.record(z.string(), z.number()),
  ruleCount: z.number().int(),
  unresolved: z.array(unresolvedFqdnSchema),
  connected: z.boolean(),
  /** The control-plane replica the session is with (scheme, host, port, path); null when not connected. */
  connectedTo: z.string().nullable().default(null),
  /** Last message from the control plane (ISO 8601). */
  lastContactAt: z.string().nullable(),
  /** A new ruleset applied and waiting for the control plane's ack (commit-confirm). */
  awaitingConfirmSince: z.string().nullable(),
  /** A revision rolled back too often, held until the next confirmed contact. */
  heldRevision: z.number().int().nullable().default(null),
  lastError: z.string().nullable(),
  stoppedReason: z.string().nullable(),
  updatedAt: z.string(),
});

export type AgentStatus = z.input<typeof agentStatusSchema>;

export function loadAgentStatus(path: string): Promise<z.output<typeof agentStatusSchema> | null> {
  return readJsonFile(path, agentStatusSchema);
}

export async function saveAgentStatus(path: string, status: AgentStatus): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(status, null, 2)}\n`, 0o644);
}
