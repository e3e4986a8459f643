// What a server's firewall must do, independent of iptables or nftables: which groups of source
// networks exist (LAN, admin, "all", one per service) and which ports each service group opens.
// Both compilers render this plan, so they can never disagree about who is allowed.
import type { PortRange, Protocol, ResolvedState, ServiceDefinition } from "../model.ts";
import { normaliseByFamily, type Family } from "./members.ts";

/** Groups whose members are allowed every protocol and port, in rule order. */
export const EVERYTHING_GROUPS = ["lan", "admin", "all"] as const;

/** RTP's catalogue ports, used only if the state lacks the "rtp" definition it should carry. */
const DEFAULT_MEDIA_PORTS: PortRange[] = [{ protocol: "udp", from: 10000, to: 20000 }];

export const FAMILIES: readonly Family[] = [4, 6];

export interface SourceGroup {
  /** "lan", "admin", "all" or a service id. */
  group: string;
  family: Family;
  /** Canonical, non-overlapping, sorted (see normaliseMembers). */
  members: string[];
}

interface ServicePorts {
  group: string;
  protocol: Protocol;
  ranges: PortRange[];
}

/** Everything but the members: what the rules are, and which source groups they match. */
export interface RulesPlan {
  /** "lan", "admin", "all", then the ported services' ids, sorted. */
  groupNames: string[];
  /** Service groups with ports, sorted by service id then protocol. */
  servicePorts: ServicePorts[];
  /** Ports open to every source (RTP when media is open to all); empty otherwise. */
  openToAll: PortRange[];
}

export interface FirewallPlan extends RulesPlan {
  /** One per group name and family, in that order. */
  groups: SourceGroup[];
  /** The sources each group names, as the state lists them (what AppliedMembers starts from). */
  sources: ReadonlyMap<string, readonly string[]>;
}

/**
 * Service ids name firewall sets ("gh4-<id>", at most 31 characters for ipset), so they must be
 * short slugs; "." never occurs in one, which keeps "gh4-sip.net" and "gh4-sip.new" ours.
 */
const SERVICE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,20}$/;

class UnusableServiceIdError extends Error {
  constructor(readonly serviceId: string, reason: string) {
    super(`service id "${serviceId}" cannot name a firewall set: ${reason}`);
    this.name = "UnusableServiceIdError";
  }
}

function checkServiceId(id: string): void {
  if ((EVERYTHING_GROUPS as readonly string[]).includes(id)) throw new UnusableServiceIdError(id, "it is reserved for the firewall's own set");
  if (!SERVICE_ID_PATTERN.test(id)) throw new UnusableServiceIdError(id, "use at most 21 characters of a-z, 0-9, - and _");
}

function portedServices(services: ServiceDefinition[]): ServiceDefinition[] {
  const ported = services.filter((service) => service.id !== "all" && service.ports.length > 0);
  for (const service of ported) checkServiceId(service.id);
  return [...ported].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function sortedRanges(ranges: PortRange[]): PortRange[] {
  const unique = new Map(ranges.map((range) => [`${range.from}-${range.to}`, range]));
  return [...unique.values()].sort((a, b) => a.from - b.from || a.to - b.to);
}

function portsByProtocol(service: ServiceDefinition): ServicePorts[] {
  const protocols: Protocol[] = ["tcp", "udp"];
  return protocols
    .map((protocol) => ({
      group: service.id,
      protocol,
      ranges: sortedRanges(service.ports.filter((range) => range.protocol === protocol)),
    }))
    .filter((ports) => ports.ranges.length > 0);
}

function sourcesByGroup(state: ResolvedState, groups: string[]): Map<string, string[]> {
  const sources = new Map<string, string[]>(groups.map((group) => [group, []]));
  sources.get("lan")?.push(...state.policy.lanRanges);
  sources.get("admin")?.push(...state.policy.primaryAdmin);
  for (const allow of state.allow) {
    for (const service of allow.services) sources.get(service)?.push(allow.address);
  }
  return sources;
}

/** The rules without the members: cheap, and equal for two states that differ only in members. */
export function planRules(state: ResolvedState): RulesPlan {
  const services = portedServices(state.services);
  const rtp = state.services.find((service) => service.id === "rtp");
  return {
    groupNames: [...EVERYTHING_GROUPS, ...services.map((service) => service.id)],
    servicePorts: services.flatMap(portsByProtocol),
    openToAll: state.policy.mediaOpenToAll ? sortedRanges(rtp?.ports ?? DEFAULT_MEDIA_PORTS) : [],
  };
}

export function planFirewall(state: ResolvedState): FirewallPlan {
  const rules = planRules(state);
  const sources = sourcesByGroup(state, rules.groupNames);
  const groups = rules.groupNames.flatMap((group) => {
    const members = normaliseByFamily(sources.get(group) ?? []);
    return FAMILIES.map((family) => ({ group, family, members: members[family] }));
  });
  return { ...rules, groups, sources };
}
