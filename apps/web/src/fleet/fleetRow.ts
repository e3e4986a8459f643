// One line of the fleet overview, joined from the servers list (tenant, provider, tags) and
// the agents' status (fleet router). Pages read only this, so the API's shapes are known here.

export interface FleetRow {
  id: string;
  name: string;
  tenantId: string;
  tenantName: string;
  provider: string;
  tags: string[];
  /** Null: no address is always allowed, so one wrong allowlist locks everyone out (warned in the row). */
  primaryAdminSource: string | null;
  /** An agent holds a credential for this server (enrolled, not revoked). */
  enrolled: boolean;
  revoked: boolean;
  online: boolean;
  desiredRevision: number;
  appliedRevision: number | null;
  /** When the agent last found and repaired drift (someone changed its rules). */
  lastDriftAt: string | null;
  unresolved: { fqdn: string; error: string }[];
  errors: string[];
  lastSeenAt: string | null;
}

export type FleetStatusFilter = "all" | "problems" | "online" | "offline" | "pending" | "behind" | "drift" | "unresolved";

/** Drift repaired within this long counts as recent (shown as a problem and by the filter). */
const RECENT_DRIFT_MS = 24 * 3600 * 1000;

export function isBehind(row: FleetRow): boolean {
  return row.enrolled && row.appliedRevision !== row.desiredRevision;
}

export function hasRecentDrift(row: FleetRow, now: Date): boolean {
  return row.lastDriftAt !== null && now.getTime() - new Date(row.lastDriftAt).getTime() < RECENT_DRIFT_MS;
}

/** What is wrong with an enrolled server, in words; empty when healthy or not enrolled yet. */
export function problemsOf(row: FleetRow, now: Date): string[] {
  if (!row.enrolled) return [];
  const problems: string[] = [];
  if (!row.online) problems.push("offline");
  if (isBehind(row)) problems.push("not at desired revision");
  if (hasRecentDrift(row, now)) problems.push("drift repaired");
  if (row.unresolved.length > 0) problems.push("unresolved FQDNs");
  if (row.errors.length > 0) problems.push("agent errors");
  return problems;
}

function matchesStatus(row: FleetRow, status: FleetStatusFilter, now: Date): boolean {
  switch (status) {
    case "all":
      return true;
    case "problems":
      return problemsOf(row, now).length > 0;
    case "online":
      return row.online;
    case "offline":
      return row.enrolled && !row.online;
    case "pending":
      return !row.enrolled;
    case "behind":
      return isBehind(row);
    case "drift":
      return hasRecentDrift(row, now);
    case "unresolved":
      return row.unresolved.length > 0;
  }
}

export interface FleetFilters {
  tenantId: string;
  tag: string;
  status: FleetStatusFilter;
  /** Part of the server's name, any case; empty = every server. */
  search?: string;
}

export function filterFleet(rows: FleetRow[], filters: FleetFilters, now: Date): FleetRow[] {
  const search = (filters.search ?? "").trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!filters.tenantId || row.tenantId === filters.tenantId) &&
      (!filters.tag || row.tags.includes(filters.tag)) &&
      (!search || row.name.toLowerCase().includes(search)) &&
      matchesStatus(row, filters.status, now),
  );
}

export type FleetSort = "name" | "last-seen" | "problems";

const byName = (a: FleetRow, b: FleetRow) => a.name.localeCompare(b.name, undefined, { numeric: true });
/** Newest first; never seen (awaiting enrollment) last. */
const lastSeenTime = (row: FleetRow) => (row.lastSeenAt ? new Date(row.lastSeenAt).getTime() : -Infinity);

/** A new array in the chosen order; ties always fall back to the name, so rows never jump. */
export function sortFleet(rows: FleetRow[], sort: FleetSort, now: Date): FleetRow[] {
  const order: Record<FleetSort, (a: FleetRow, b: FleetRow) => number> = {
    name: byName,
    "last-seen": (a, b) => lastSeenTime(b) - lastSeenTime(a) || byName(a, b),
    problems: (a, b) => problemsOf(b, now).length - problemsOf(a, now).length || byName(a, b),
  };
  return [...rows].sort(order[sort]);
}

export interface FleetSummary {
  servers: number;
  online: number;
  offline: number;
  pending: number;
  problems: number;
}

export function summarise(rows: FleetRow[], now: Date): FleetSummary {
  return {
    servers: rows.length,
    online: rows.filter((r) => r.online).length,
    offline: rows.filter((r) => r.enrolled && !r.online).length,
    pending: rows.filter((r) => !r.enrolled).length,
    problems: rows.filter((r) => problemsOf(r, now).length > 0).length,
  };
}
