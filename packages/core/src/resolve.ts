// From DesiredState to the compilers' input: every host name replaced by the addresses DNS gave
// for it, every country by its networks. A host name without usable answers, or a country whose
// networks have not arrived, is left out and reported, never fatal: the rest of the allowlist is
// still applied (Travelin' Man 3's iptables-restart: never fail open, never fail whole). DNS
// answers are untrusted text, so each one passes the source parser again; a country's networks
// were checked once when they arrived (the agent's country-network store), 100k of them a list.
import { compareText, normaliseServiceIds } from "./desired-state.ts";
import type { DesiredState, ResolvedAllow, ResolvedState, ServiceId } from "./model.ts";
import { parseSource } from "./source.ts";

export interface ResolveResult {
  resolved: ResolvedState;
  /** Host names with no usable address (missing, empty or only invalid answers), and countries without networks, sorted. */
  unresolved: string[];
}

/** Canonical single addresses among `answers`; anything else (CIDRs, names, garbage) is dropped. */
function usableAddresses(answers: readonly string[] | undefined): string[] {
  const addresses: string[] = [];
  for (const answer of answers ?? []) {
    try {
      const parsed = parseSource(answer);
      if (parsed.kind === "ip" && parsed.prefix === (parsed.family === 4 ? 32 : 128)) addresses.push(parsed.canonical);
    } catch {
      // Not an address: a resolver must never be able to inject anything else.
    }
  }
  return addresses;
}

/**
 * `answers`: host name -> its DNS answers; `countryNetworks`: canonical country source
 * (`country:CA`) -> its networks (canonical CIDRs) in the state's geo database version.
 */
export function resolveDesiredState(
  state: DesiredState,
  answers: ReadonlyMap<string, readonly string[]>,
  countryNetworks: ReadonlyMap<string, readonly string[]> = new Map(),
): ResolveResult {
  const addressesOf = new Map<string, string[]>();
  const unresolved = new Set<string>();
  const lookup = (fqdn: string): string[] => {
    let addresses = addressesOf.get(fqdn);
    if (addresses === undefined) {
      addresses = usableAddresses(answers.get(fqdn));
      addressesOf.set(fqdn, addresses);
      if (addresses.length === 0) unresolved.add(fqdn);
    }
    return addresses;
  };

  const servicesByAddress = new Map<string, ServiceId[]>();
  const allow = (address: string, services: readonly ServiceId[]): void => {
    const existing = servicesByAddress.get(address);
    if (existing === undefined) servicesByAddress.set(address, [...services]);
    else existing.push(...services);
  };
  for (const entry of state.entries) {
    if (entry.kind === "ip") allow(entry.source, entry.services);
    else if (entry.kind === "country") {
      const networks = countryNetworks.get(entry.source) ?? [];
      if (networks.length === 0) unresolved.add(entry.source);
      for (const network of networks) allow(network, entry.services);
    } else for (const address of lookup(entry.source)) allow(address, entry.services);
  }

  const allowList: ResolvedAllow[] = [];
  for (const [address, services] of servicesByAddress) {
    allowList.push({ address, services: normaliseServiceIds(services) });
  }
  allowList.sort((a, b) => compareText(a.address, b.address));

  const admin = state.policy.primaryAdmin;
  const primaryAdmin = admin === null ? [] : isHostName(admin) ? lookup(admin) : [admin];

  return {
    resolved: {
      policy: {
        mediaOpenToAll: state.policy.mediaOpenToAll,
        lanRanges: [...state.policy.lanRanges],
        primaryAdmin: [...new Set(primaryAdmin)].sort(compareText),
      },
      services: [...state.services],
      allow: allowList,
    },
    unresolved: [...unresolved].sort(compareText),
  };
}

/** Canonical IPv6 has a ':', canonical IPv4 only digits, dots and '/'; a host name's TLD starts with a letter. */
function isHostName(canonicalSource: string): boolean {
  return !canonicalSource.includes(":") && !/^[0-9./]+$/.test(canonicalSource);
}
