// What an agent may fall back to while the control plane has not confirmed a new desired state
// (commit-confirm): only what BOTH the last confirmed state and the new one allow. A rollback
// can then take back access the new state added, but never give back access it removed: an
// operator's removal holds even when the link cannot carry the confirmation. When the new state
// only removes access, the fallback is the new state itself and there is nothing to roll back.
import { ALL_SERVICES } from "./services.ts";
import { canonicalJson, compareText } from "./desired-state.ts";
import type { DesiredEntry, DesiredState, ServiceDefinition, ServiceId } from "./model.ts";

export interface ConfirmFallback {
  /** Allows exactly what both states allow; the new state's primary admin (never locked out). */
  state: DesiredState;
  /** The new state allows nothing the confirmed one did not: keep it, whatever the link does. */
  onlyRemovesAccess: boolean;
}

type Definitions = ReadonlyMap<ServiceId, string>;

function definitions(state: DesiredState): Definitions {
  return new Map(state.services.map((service) => [service.id, canonicalJson(service.ports)]));
}

/** Service ids of `entry` that `before` also allowed for its source, with unchanged ports. */
function servicesAllowedBefore(entry: DesiredEntry, before: DesiredEntry | undefined, was: Definitions, now: Definitions): ServiceId[] {
  if (before === undefined) return [];
  if (before.services.includes(ALL_SERVICES)) return entry.services;
  const sameDefinition = (id: ServiceId) => was.get(id) !== undefined && was.get(id) === now.get(id);
  // "all" now covers every service the source had: those keep their confirmed definitions.
  if (entry.services.includes(ALL_SERVICES)) return before.services;
  return entry.services.filter((id) => before.services.includes(id) && sameDefinition(id));
}

function commonEntries(confirmed: DesiredState, next: DesiredState): DesiredEntry[] {
  const was = definitions(confirmed);
  const now = definitions(next);
  const before = new Map(confirmed.entries.map((entry) => [`${entry.kind} ${entry.source}`, entry]));
  return next.entries.flatMap((entry) => {
    const services = servicesAllowedBefore(entry, before.get(`${entry.kind} ${entry.source}`), was, now);
    return services.length > 0 ? [{ ...entry, services: [...services].sort(compareText) }] : [];
  });
}

/** Definitions of the services the entries use: the new state's, else (under "all") the confirmed one's. */
function referencedServices(confirmed: DesiredState, next: DesiredState, entries: DesiredEntry[], mediaOpenToAll: boolean): ServiceDefinition[] {
  const used = new Set<ServiceId>(entries.flatMap((entry) => entry.services));
  if (mediaOpenToAll) used.add("rtp");
  const byId = new Map([...confirmed.services, ...next.services].map((service) => [service.id, service]));
  return [...used].sort(compareText).flatMap((id) => {
    const service = byId.get(id);
    return service ? [service] : [];
  });
}

export function confirmFallback(confirmed: DesiredState, next: DesiredState): ConfirmFallback {
  const entries = commonEntries(confirmed, next);
  const mediaOpenToAll = confirmed.policy.mediaOpenToAll && next.policy.mediaOpenToAll;
  const state: DesiredState = {
    ...next,
    policy: {
      ...next.policy,
      mediaOpenToAll,
      lanRanges: next.policy.lanRanges.filter((range) => confirmed.policy.lanRanges.includes(range)),
    },
    services: referencedServices(confirmed, next, entries, mediaOpenToAll),
    entries,
  };
  return { state, onlyRemovesAccess: canonicalJson(state) === canonicalJson(next) };
}
