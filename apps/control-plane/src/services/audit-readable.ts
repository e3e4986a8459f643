// The audit log as people read it: each event of a page gets the names of its actor, tenant and
// target (looked up in a few queries per page, never per event), a sentence saying what happened
// (audit-summary.ts), its before/after as changed fields, and where in the console the thing
// lives. Names are looked up only for events the caller may already read, so they reveal nothing
// more than the ids did.
import type { AuditEvent, PrismaClient } from "@gatehouse/db";
import { auditSentence, entryLabel, fieldChanges, shortId, type AuditNames, type FieldChange } from "./audit-summary.ts";

/** A console page an event links to (apps/web's routes). */
type AuditLink = { page: "server"; serverId: string } | { page: "travelers" } | { page: "allowlist" } | { page: "alerts" };

export interface ReadableParts {
  actorName: string;
  tenantName: string | null;
  targetName: string | null;
  summary: string;
  changes: FieldChange[];
  link: AuditLink | null;
}

type Row = Pick<AuditEvent, "actor" | "action" | "tenantId" | "targetType" | "targetId" | "before" | "after">;

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const idOf = (actor: string, kind: string) => (actor.startsWith(`${kind}:`) ? actor.slice(kind.length + 1) : undefined);

interface Lookups {
  servers: Map<string, string>;
  tenants: Map<string, string>;
  operators: Map<string, string>;
  travelers: Map<string, string>;
  entries: Map<string, Record<string, unknown>>;
  rules: Map<string, string>;
}

function idsToLookUp(rows: readonly Row[]) {
  const ids = { servers: new Set<string>(), tenants: new Set<string>(), operators: new Set<string>(), travelers: new Set<string>(), entries: new Set<string>(), rules: new Set<string>() };
  const byType: Record<string, Set<string>> = { server: ids.servers, tenant: ids.tenants, operator: ids.operators, traveler: ids.travelers, allowEntry: ids.entries, alertRule: ids.rules };
  for (const row of rows) {
    if (row.tenantId) ids.tenants.add(row.tenantId);
    if (row.targetType && row.targetId) byType[row.targetType]?.add(row.targetId);
    for (const [kind, set] of [["operator", ids.operators], ["traveler", ids.travelers], ["agent", ids.servers]] as const) {
      const id = idOf(row.actor, kind);
      if (id) set.add(id);
    }
    for (const snapshot of [record(row.before), record(row.after)]) {
      if (typeof snapshot.serverId === "string") ids.servers.add(snapshot.serverId);
      if (typeof snapshot.tenantId === "string") ids.tenants.add(snapshot.tenantId);
    }
  }
  return ids;
}

async function lookUp(prisma: PrismaClient, rows: readonly Row[], viewer: { tenantId?: string }): Promise<Lookups> {
  const ids = idsToLookUp(rows);
  const inIds = (set: Set<string>) => ({ id: { in: [...set] } });
  const [servers, tenants, operators, travelers, entries, rules] = await Promise.all([
    prisma.server.findMany({ where: inIds(ids.servers), select: { id: true, name: true } }),
    prisma.tenant.findMany({ where: inIds(ids.tenants), select: { id: true, name: true } }),
    prisma.operator.findMany({ where: inIds(ids.operators), select: { id: true, name: true, email: true, tenantId: true } }),
    prisma.traveler.findMany({ where: inIds(ids.travelers), select: { id: true, name: true } }),
    prisma.allowEntry.findMany({ where: inIds(ids.entries), select: { id: true, source: true, scope: true, tenantId: true, groupName: true, serverId: true } }),
    prisma.alertRule.findMany({ where: inIds(ids.rules), select: { id: true, name: true } }),
  ]);
  const extraServers = entries.map((entry) => entry.serverId).filter((id): id is string => id !== null && !ids.servers.has(id));
  const more = extraServers.length > 0 ? await prisma.server.findMany({ where: { id: { in: extraServers } }, select: { id: true, name: true } }) : [];
  return {
    servers: new Map([...servers, ...more].map((row) => [row.id, row.name])),
    tenants: new Map(tenants.map((row) => [row.id, row.name])),
    operators: new Map(operators.map((row) => [row.id, operatorLabel(row, viewer)])),
    travelers: new Map(travelers.map((row) => [row.id, row.name])),
    entries: new Map(entries.map((row) => [row.id, row as Record<string, unknown>])),
    rules: new Map(rules.map((row) => [row.id, row.name])),
  };
}

/**
 * Operators of the viewer's own tenant (or any, for an MSP admin) by name and e-mail; anyone
 * else by what they are only: a tenant's operators must not learn MSP or other tenants' addresses.
 */
function operatorLabel(row: { name: string | null; email: string; tenantId: string | null }, viewer: { tenantId?: string }): string {
  if (viewer.tenantId !== undefined && row.tenantId !== viewer.tenantId) return row.tenantId === null ? "an MSP admin" : "an operator of another tenant";
  return row.name ? `${row.name} (${row.email})` : row.email;
}

function actorName(actor: string, found: Lookups): string {
  const operator = idOf(actor, "operator");
  if (operator) return found.operators.get(operator) ?? `operator ${shortId(operator)}`;
  const traveler = idOf(actor, "traveler");
  if (traveler) return `traveler ${found.travelers.get(traveler) ?? shortId(traveler)}`;
  const agent = idOf(actor, "agent");
  if (agent) return `agent of ${found.servers.get(agent) ?? shortId(agent)}`;
  return actor;
}

/** What the event's own snapshot calls its target (a grant's address, a deleted server's name). */
function recordedName(row: Row): string | null {
  for (const snapshot of [record(row.after), record(row.before)]) {
    for (const key of ["name", "source", "address", "email"]) if (typeof snapshot[key] === "string") return snapshot[key];
  }
  return null;
}

function targetName(row: Row, found: Lookups, names: AuditNames): string | null {
  if (!row.targetType || !row.targetId) return null;
  const id = row.targetId;
  const byType: Record<string, string | undefined> = {
    server: found.servers.get(id),
    tenant: found.tenants.get(id),
    operator: found.operators.get(id),
    traveler: found.travelers.get(id),
    alertRule: found.rules.get(id),
  };
  if (row.targetType === "allowEntry") {
    const entry = found.entries.get(id) ?? (Object.keys(record(row.after)).includes("source") ? record(row.after) : record(row.before));
    return "source" in entry ? entryLabel(entry, names) : shortId(id);
  }
  return byType[row.targetType] ?? recordedName(row) ?? shortId(id);
}

function linkOf(row: Row, found: Lookups): AuditLink | null {
  const agent = idOf(row.actor, "agent");
  if (row.targetType === "server" && row.targetId && found.servers.has(row.targetId)) return { page: "server", serverId: row.targetId };
  if (agent && found.servers.has(agent)) return { page: "server", serverId: agent };
  if (row.targetType === "allowEntry") {
    const serverId = found.entries.get(row.targetId ?? "")?.serverId;
    return typeof serverId === "string" ? { page: "server", serverId } : { page: "allowlist" };
  }
  if (row.targetType?.startsWith("traveler")) return { page: "travelers" };
  if (row.targetType === "alertRule") return { page: "alerts" };
  return null;
}

/** The readable parts of each row, in the rows' order. */
export async function readableParts(prisma: PrismaClient, rows: readonly Row[], viewer: { tenantId?: string }): Promise<ReadableParts[]> {
  if (rows.length === 0) return [];
  const found = await lookUp(prisma, rows, viewer);
  const names: AuditNames = { server: (id) => found.servers.get(id), tenant: (id) => found.tenants.get(id) };
  return rows.map((row) => {
    const target = targetName(row, found, names);
    const tenantName = row.tenantId ? (found.tenants.get(row.tenantId) ?? shortId(row.tenantId)) : null;
    return {
      actorName: actorName(row.actor, found),
      tenantName,
      targetName: target,
      summary: auditSentence({ action: row.action, targetType: row.targetType, targetName: target, tenantName, before: row.before, after: row.after }, names),
      changes: fieldChanges(row.before, row.after),
      link: linkOf(row, found),
    };
  });
}
