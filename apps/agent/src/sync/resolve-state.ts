// DesiredState + DNS answers -> the compilers' ResolvedState (core's resolveDesiredState),
// and the list of FQDNs a desired state needs resolved.
import { resolveDesiredState, type DesiredState, type ResolveResult } from "@gatehouse/core";

export function resolveForEnforcement(state: DesiredState, answers: ReadonlyMap<string, readonly string[]>): ResolveResult {
  return resolveDesiredState(state, answers);
}

/** Canonical IPv6 has a ':', canonical IPv4 only digits, dots and '/'; anything else is a host name. */
function isHostName(canonicalSource: string): boolean {
  return !canonicalSource.includes(":") && !/^[0-9./]+$/.test(canonicalSource);
}

/** Every FQDN the state needs resolved (entries and the primary admin), sorted. */
export function fqdnsOf(state: DesiredState): string[] {
  const fqdns = new Set(state.entries.filter((e) => e.kind === "fqdn").map((e) => e.source));
  const primary = state.policy.primaryAdmin;
  if (primary !== null && isHostName(primary)) fqdns.add(primary);
  return [...fqdns].sort();
}
