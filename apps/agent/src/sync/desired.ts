// A desired state as the agent carries it: the control plane's revision, hash and state, and the
// FQDNs it needs resolved (computed once, when the state arrives or is read from disk).
import type { DesiredState } from "@gatehouse/core";

export interface Desired {
  readonly revision: number;
  readonly hash: string;
  readonly state: DesiredState;
  /** Every FQDN the state needs resolved (entries and the primary admin), sorted. */
  readonly fqdns: readonly string[];
}

/** Canonical IPv6 has a ':', canonical IPv4 only digits, dots and '/'; anything else is a host name. */
function isHostName(canonicalSource: string): boolean {
  return !canonicalSource.includes(":") && !/^[0-9./]+$/.test(canonicalSource);
}

function fqdnsOf(state: DesiredState): string[] {
  const fqdns = new Set(state.entries.filter((e) => e.kind === "fqdn").map((e) => e.source));
  const primary = state.policy.primaryAdmin;
  if (primary !== null && isHostName(primary)) fqdns.add(primary);
  return [...fqdns].sort();
}

export function desiredOf(revision: number, hash: string, state: DesiredState): Desired {
  return { revision, hash, state, fqdns: fqdnsOf(state) };
}
