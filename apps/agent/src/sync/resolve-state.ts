// DesiredState + DNS answers -> the compilers' ResolvedState.
// TEMPORARY shim until packages/core exports resolveDesiredState; then this file re-exports it.
import type { DesiredState, ResolvedState } from "@gatehouse/core";

export interface ResolveOutcome {
  resolved: ResolvedState;
  unresolved: string[];
}

export function resolveForEnforcement(state: DesiredState, answers: Map<string, string[]>): ResolveOutcome {
  const unresolved = new Set<string>();
  const addressesOf = (source: string, kind: "ip" | "fqdn"): string[] => {
    if (kind === "ip") return [source];
    const found = answers.get(source);
    if (!found || found.length === 0) unresolved.add(source);
    return found ?? [];
  };
  const primary = state.policy.primaryAdmin;
  const primaryAdmin = primary === null ? [] : addressesOf(primary, /^[0-9a-f.:/]+$/i.test(primary) ? "ip" : "fqdn");
  const allow = state.entries.flatMap((e) => addressesOf(e.source, e.kind).map((address) => ({ address, services: e.services })));
  return {
    resolved: { policy: { mediaOpenToAll: state.policy.mediaOpenToAll, lanRanges: state.policy.lanRanges, primaryAdmin }, services: state.services, allow },
    unresolved: [...unresolved].sort(),
  };
}

/** Every FQDN the state needs resolved (entries and the primary admin). */
export function fqdnsOf(state: DesiredState): string[] {
  const fqdns = new Set(state.entries.filter((e) => e.kind === "fqdn").map((e) => e.source));
  const primary = state.policy.primaryAdmin;
  if (primary !== null && !/^[0-9a-f.:/]+$/i.test(primary)) fqdns.add(primary);
  return [...fqdns].sort();
}
