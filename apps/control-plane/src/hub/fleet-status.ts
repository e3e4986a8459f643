// What operators see about their agents: online or not, last seen, desired vs applied
// revision, drift repairs and rollbacks, unresolved FQDNs and each FQDN's last answer.
// Plain service functions: the tRPC router (api/routers/fleet.ts) scopes and calls them.
import type { Prisma, PrismaClient } from "@gatehouse/db";
import { fqdnResolutionSchema, reportSchema, type SrvTargetAnswer } from "@gatehouse/protocol";
import { z } from "zod";
import { liveReplicaIds } from "../cluster/replica-registry.ts";
import { afterKeyCursor, encodeKeyCursor, keyOrder, pageOf } from "../services/listing.ts";

const storedReportSchema = reportSchema.omit({ type: true }).extend({ receivedAt: z.string() });
/** A stored answer's SRV targets as the agent reported them (checked on the way in). */
const storedTargetsSchema = fqdnResolutionSchema.shape.targets.unwrap().nullable().catch(null);

// Times are ISO 8601 strings: this is what the API returns (no transformer on the wire).
interface AgentEvent {
  at: string;
  /** Drift: what was wrong. Rollback: why, and from which revision. */
  detail: Record<string, unknown>;
}

/**
 * What an operator must look at, worst first. A revoked server enforces its last rules but
 * follows no change; a drift repair or rollback in the last day means something on the host
 * (a firewall reload, a link fault) fights the agent.
 */
export type FleetProblem = "revoked" | "offline" | "out_of_sync" | "errors" | "unresolved_fqdns" | "drift_repaired" | "rolled_back" | "not_enrolled";

/** How long a drift repair or rollback counts as a problem. */
export const RECENT_AGENT_EVENT_MS = 24 * 3_600_000;

export interface FleetServerStatus {
  serverId: string;
  tenantId: string;
  name: string;
  /** Has an agent credential (enrolled) and is not revoked. */
  enrolled: boolean;
  revoked: boolean;
  online: boolean;
  connectedAt: string | null;
  /** The control-plane replica the agent is connected to (where it listens), while online. */
  connectedTo: string | null;
  lastSeenAt: string | null;
  desiredRevision: number;
  appliedRevision: number | null;
  /** The agent reported enforcing the current revision. */
  inSync: boolean;
  backend: string | null;
  agentVersion: string | null;
  setSizes: Record<string, number>;
  ruleCount: number | null;
  lastReportAt: string | null;
  errors: string[];
  unresolved: { fqdn: string; error: string }[];
  lastDrift: AgentEvent | null;
  lastRollback: AgentEvent | null;
  /** Empty when all is well; `problemsOnly` and the CLI's count read this. */
  problems: FleetProblem[];
}

interface FqdnAnswerView {
  fqdn: string;
  addresses: string[];
  /** A SIP domain's SRV targets with their addresses; null for a plain host name. */
  targets: SrvTargetAnswer[] | null;
  error: string | null;
  resolvedAt: string;
}

export interface ServerAgentDetail extends FleetServerStatus {
  fqdnAnswers: FqdnAnswerView[];
}

const serverFields = {
  id: true,
  tenantId: true,
  name: true,
  revision: true,
  appliedRevision: true,
  lastSeenAt: true,
  lastReport: true,
  agentCredentialHash: true,
  revokedAt: true,
  connectedReplicaId: true,
  connectedAt: true,
  connectedReplica: { select: { listenUrl: true } },
} satisfies Prisma.ServerSelect;

type ServerRow = Prisma.ServerGetPayload<{ select: typeof serverFields }>;

const AGENT_EVENTS = ["agent.drift_repaired", "agent.rolled_back"];

async function lastAgentEvents(prisma: PrismaClient, serverIds: string[]): Promise<Map<string, AgentEvent>> {
  if (serverIds.length === 0) return new Map();
  const events = await prisma.auditEvent.findMany({
    where: { action: { in: AGENT_EVENTS }, targetType: "server", targetId: { in: serverIds } },
    orderBy: { at: "desc" },
    distinct: ["targetId", "action"],
    select: { targetId: true, action: true, at: true, after: true },
  });
  return new Map(events.map((e) => [`${e.targetId}|${e.action}`, { at: e.at.toISOString(), detail: (e.after ?? {}) as Record<string, unknown> }]));
}

function isRecent(event: AgentEvent | null, now: Date): boolean {
  return event !== null && now.getTime() - new Date(event.at).getTime() < RECENT_AGENT_EVENT_MS;
}

export function fleetProblems(status: Omit<FleetServerStatus, "problems">, now: Date): FleetProblem[] {
  if (status.revoked) return ["revoked"];
  if (!status.enrolled) return ["not_enrolled"];
  const checks: [boolean, FleetProblem][] = [
    [!status.online, "offline"],
    [!status.inSync, "out_of_sync"],
    [status.errors.length > 0, "errors"],
    [status.unresolved.length > 0, "unresolved_fqdns"],
    [isRecent(status.lastDrift, now), "drift_repaired"],
    [isRecent(status.lastRollback, now), "rolled_back"],
  ];
  return checks.filter(([holds]) => holds).map(([, problem]) => problem);
}

/** Connected to a replica that is alive (its own row says so, on any replica). */
export function isOnline(row: { connectedReplicaId: string | null }, liveReplicas: ReadonlySet<string>): boolean {
  return row.connectedReplicaId !== null && liveReplicas.has(row.connectedReplicaId);
}

function toStatus(row: ServerRow, liveReplicas: ReadonlySet<string>, events: Map<string, AgentEvent>, now = new Date()): FleetServerStatus {
  const report = storedReportSchema.safeParse(row.lastReport);
  const last = report.success ? report.data : null;
  const online = isOnline(row, liveReplicas);
  const status = {
    serverId: row.id,
    tenantId: row.tenantId,
    name: row.name,
    enrolled: row.agentCredentialHash !== null && row.revokedAt === null,
    revoked: row.revokedAt !== null,
    online,
    connectedAt: online ? (row.connectedAt?.toISOString() ?? null) : null,
    connectedTo: online ? (row.connectedReplica?.listenUrl ?? null) : null,
    lastSeenAt: (online ? new Date() : row.lastSeenAt)?.toISOString() ?? null,
    desiredRevision: row.revision,
    appliedRevision: row.appliedRevision,
    inSync: row.appliedRevision === row.revision,
    backend: last?.backend ?? null,
    agentVersion: last?.agentVersion ?? null,
    setSizes: last?.setSizes ?? {},
    ruleCount: last?.ruleCount ?? null,
    lastReportAt: last?.receivedAt ?? null,
    errors: last?.errors ?? [],
    unresolved: last?.unresolved ?? [],
    lastDrift: events.get(`${row.id}|agent.drift_repaired`) ?? null,
    lastRollback: events.get(`${row.id}|agent.rolled_back`) ?? null,
  };
  return { ...status, problems: fleetProblems(status, now) };
}

/** A page of the servers matching `where` (the caller's tenant scope), by name. */
export async function fleetStatus(
  prisma: PrismaClient,
  where: Prisma.ServerWhereInput,
  { limit, cursor }: { limit: number; cursor?: string | undefined },
  now = new Date(),
): Promise<{ servers: FleetServerStatus[]; nextCursor: string | null }> {
  const rows = await prisma.server.findMany({
    where: { AND: [where, afterKeyCursor<Prisma.ServerWhereInput>("name", cursor)] },
    select: serverFields,
    orderBy: keyOrder("name"),
    take: limit + 1,
  });
  const { page, nextCursor } = pageOf(rows, limit, (last) => encodeKeyCursor(last.name, last.id));
  const [events, live] = await Promise.all([lastAgentEvents(prisma, page.map((r) => r.id)), liveReplicaIds(prisma)]);
  return { servers: page.map((row) => toStatus(row, live, events, now)), nextCursor };
}

/** One server with each FQDN's last answer; null when it does not exist. */
export async function serverAgentDetail(prisma: PrismaClient, serverId: string, now = new Date()): Promise<ServerAgentDetail | null> {
  const row = await prisma.server.findUnique({ where: { id: serverId }, select: serverFields });
  if (row === null) return null;
  const [events, live, answers] = await Promise.all([
    lastAgentEvents(prisma, [row.id]),
    liveReplicaIds(prisma),
    prisma.fqdnAnswer.findMany({ where: { serverId }, orderBy: { fqdn: "asc" }, select: { fqdn: true, addresses: true, targets: true, error: true, resolvedAt: true } }),
  ]);
  const fqdnAnswers = answers.map((a) => ({ ...a, targets: storedTargetsSchema.parse(a.targets), resolvedAt: a.resolvedAt.toISOString() }));
  return { ...toStatus(row, live, events, now), fqdnAnswers };
}
