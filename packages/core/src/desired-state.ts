// What one server must enforce, computed from every allow entry in the system: keep the entries
// whose scope covers the server and that have not expired, merge them by source, and put them in
// one deterministic order so that the same intent always gives the same JSON and the same hash.
// Runs on every change for every affected server, so it is linear apart from one sort.
import { sha256Hex } from "./hash.ts";
import type { DesiredEntry, DesiredState, ServiceDefinition, ServiceId, SourceKind } from "./model.ts";
import type { StoredScope } from "./entry-scope.ts";
import { ALL_SERVICES, SERVICE_CATALOGUE } from "./services.ts";

/** An allow entry as stored, with its scope; `source` is already canonical (parseSource). */
export interface ScopedEntry extends StoredScope {
  source: string;
  kind: SourceKind;
  services: ServiceId[];
  expiresAt: Date | null;
}

export interface ServerForState {
  id: string;
  tenantId: string;
  /** Group names this server belongs to. */
  tags: string[];
  primaryAdminSource: string | null;
  lanRanges: string[];
  mediaOpenToAll: boolean;
}

export interface EffectiveStateInput {
  server: ServerForState;
  entries: readonly ScopedEntry[];
  /** Custom services visible to the server (fleet-wide and its tenant's). */
  customServices: readonly ServiceDefinition[];
  now: Date;
  /** The version of the geo database country entries are resolved with (named in the state when it has one). */
  geoVersion?: string | null;
}

function covers(entry: StoredScope, server: ServerForState, tags: ReadonlySet<string>): boolean {
  switch (entry.scope) {
    case "FLEET":
      return true;
    case "TENANT":
      return entry.tenantId === server.tenantId;
    case "GROUP":
      return entry.tenantId === server.tenantId && entry.groupName !== null && tags.has(entry.groupName);
    case "SERVER":
      return entry.serverId === server.id;
    default:
      return false;
  }
}

/** Whether `entry`'s scope includes `server` (expiry aside). */
export function entryCoversServer(entry: StoredScope, server: Pick<ServerForState, "id" | "tenantId" | "tags">): boolean {
  return covers(entry, server as ServerForState, new Set(server.tags));
}

function isLive(entry: Pick<ScopedEntry, "expiresAt">, nowMs: number): boolean {
  return entry.expiresAt === null || entry.expiresAt.getTime() > nowMs;
}

/** Plain code-unit order: locale-independent, the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted, unique service ids; "all" absorbs every other service. */
export function normaliseServiceIds(ids: Iterable<ServiceId>): ServiceId[] {
  const unique = new Set(ids);
  if (unique.has(ALL_SERVICES)) return [ALL_SERVICES];
  return [...unique].sort(compareText);
}

/** Only the model's fields, so a database row passed as a definition cannot change the hash. */
function plainService(service: ServiceDefinition): ServiceDefinition {
  const ports = service.ports.map(({ protocol, from, to }) => ({ protocol, from, to }));
  return { id: service.id, name: service.name, ports };
}

interface MergedSource {
  kind: SourceKind;
  services: Set<ServiceId>;
}

/**
 * The desired state of `input.server`. Service ids that name no known service (a custom service
 * deleted while still in use) are left out rather than failing the whole server; an entry left
 * with no service allows nothing and is dropped.
 */
export function effectiveStateForServer(input: EffectiveStateInput): DesiredState {
  const { server, now } = input;
  const known = new Map<ServiceId, ServiceDefinition>(SERVICE_CATALOGUE.map((service) => [service.id, service]));
  for (const service of input.customServices) if (!known.has(service.id)) known.set(service.id, plainService(service));
  const tags = new Set(server.tags);
  const nowMs = now.getTime();

  const bySource = new Map<string, MergedSource>();
  for (const entry of input.entries) {
    if (!isLive(entry, nowMs) || !covers(entry, server, tags)) continue;
    let merged = bySource.get(entry.source);
    for (const id of entry.services) {
      if (!known.has(id)) continue;
      if (merged === undefined) {
        merged = { kind: entry.kind, services: new Set() };
        bySource.set(entry.source, merged);
      }
      merged.services.add(id);
    }
  }

  const entries: DesiredEntry[] = [];
  const referenced = new Set<ServiceId>(server.mediaOpenToAll ? ["rtp"] : []);
  for (const [source, merged] of bySource) {
    const services = normaliseServiceIds(merged.services);
    for (const id of services) referenced.add(id);
    entries.push({ source, kind: merged.kind, services });
  }
  entries.sort((a, b) => compareText(a.kind, b.kind) || compareText(a.source, b.source));

  const services = [...referenced]
    .sort(compareText)
    .flatMap((id) => {
      const service = known.get(id);
      return service ? [service] : [];
    });

  const usesCountries = entries.some((entry) => entry.kind === "country");
  return {
    serverId: server.id,
    policy: {
      mediaOpenToAll: server.mediaOpenToAll,
      lanRanges: [...new Set(server.lanRanges)].sort(compareText),
      primaryAdmin: server.primaryAdminSource,
    },
    services,
    entries,
    ...(usesCountries ? { geo: { version: input.geoVersion ?? "none" } } : {}),
  };
}

/** The earliest expiry after `now`, when the sweeper must next recompute; null if none. */
export function nextExpiry(entries: Iterable<Pick<ScopedEntry, "expiresAt">>, now: Date): Date | null {
  const nowMs = now.getTime();
  let earliest: Date | null = null;
  for (const { expiresAt } of entries) {
    if (expiresAt === null || expiresAt.getTime() <= nowMs) continue;
    if (earliest === null || expiresAt.getTime() < earliest.getTime()) earliest = expiresAt;
  }
  return earliest;
}

/** JSON with object keys in sorted order at every level, so equal values serialise equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort(compareText)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${fields.join(",")}}`;
}

/** sha256 (hex) of the state's canonical JSON: what agents report back as applied. */
export function hashDesiredState(state: DesiredState): string {
  return sha256Hex(canonicalJson(state));
}
