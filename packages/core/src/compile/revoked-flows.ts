// Which open flows a new state no longer allows: a source, a protocol and the destination ports
// it could reach under the previous state and cannot under the new one. The rulesets cut these
// flows themselves (established traffic is accepted only in the reply direction, so a peer's own
// flow meets the allow rules with every packet); the agent uses this to count the flows an apply
// cut, matching each open conntrack entry with RevokedFlowMatcher.
//
// A flow is identified by what the rules look at: its original source address, protocol and
// destination port. It is revoked when the previous state allowed that and the new one does not;
// nothing still allowed (by a broader network, another service, "all", the LAN ranges, the admin
// address or ports open to everyone) is ever listed. When a network loses ports but narrower
// networks inside it keep some of them, those stay as `kept` exceptions.
import type { Protocol, ResolvedState } from "../model.ts";
import { CidrIndex, cidrEnd, cidrOf, everyAddress, type Cidr } from "./cidr-index.ts";
import { parseNetwork, type Family } from "./members.ts";
import { EVERYTHING_GROUPS, FAMILIES, planRules } from "./plan.ts";
import { EVERY_PORT, intersectSpans, spansContain, subtractSpans, unionSpans, type PortSpan } from "./port-spans.ts";

interface KeptNetwork {
  source: string;
  /** Of the revoked ports, those this network may still reach. */
  ports: PortSpan[];
}

export interface RevokedFlow {
  family: Family;
  protocol: Protocol;
  /** Canonical network the flows come from ("0.0.0.0/0" / "::/0": ports no longer open to all). */
  source: string;
  /** Destination ports it may no longer reach: sorted, disjoint. */
  ports: PortSpan[];
  /** Networks inside `source` still allowed some of those ports. */
  kept: KeptNetwork[];
}

const PROTOCOLS: readonly Protocol[] = ["tcp", "udp"];

type ProtocolPorts = Record<Protocol, PortSpan[]>;

interface Grant {
  cidr: Cidr;
  ports: ProtocolPorts;
}

/** What one family of a state allows: per network, and to every source. */
interface FamilyGrants {
  byNetwork: Map<string, Grant>;
  openToAll: ProtocolPorts;
}

const noPorts = (): ProtocolPorts => ({ tcp: [], udp: [] });
const everyPort = (): ProtocolPorts => ({ tcp: [...EVERY_PORT], udp: [...EVERY_PORT] });
const isEmpty = (ports: ProtocolPorts): boolean => ports.tcp.length === 0 && ports.udp.length === 0;

function withoutPorts(ports: ProtocolPorts, taken: ProtocolPorts): ProtocolPorts {
  return { tcp: subtractSpans(ports.tcp, taken.tcp), udp: subtractSpans(ports.udp, taken.udp) };
}

/** Ports per group: every port for "lan", "admin" and "all", a service's own ports otherwise. */
function portsByGroup(state: ResolvedState): Map<string, ProtocolPorts> {
  const rules = planRules(state);
  const groups = new Map<string, ProtocolPorts>(EVERYTHING_GROUPS.map((group) => [group, everyPort()]));
  for (const { group, protocol, ranges } of rules.servicePorts) {
    const ports = groups.get(group) ?? noPorts();
    ports[protocol] = unionSpans(ports[protocol], ranges);
    groups.set(group, ports);
  }
  return groups;
}

function openToAllOf(state: ResolvedState): ProtocolPorts {
  const ports = noPorts();
  for (const range of planRules(state).openToAll) ports[range.protocol] = unionSpans(ports[range.protocol], [range]);
  return ports;
}

function grantsOf(state: ResolvedState): Record<Family, FamilyGrants> {
  const groups = portsByGroup(state);
  const openToAll = openToAllOf(state);
  const grants: Record<Family, FamilyGrants> = { 4: { byNetwork: new Map(), openToAll }, 6: { byNetwork: new Map(), openToAll } };
  const grant = (source: string, ports: ProtocolPorts | undefined) => {
    if (ports === undefined) return;
    const network = parseNetwork(source);
    const byNetwork = grants[network.family].byNetwork;
    const known = byNetwork.get(network.text);
    if (known === undefined) byNetwork.set(network.text, { cidr: cidrOf(network), ports: { tcp: [...ports.tcp], udp: [...ports.udp] } });
    else known.ports = { tcp: unionSpans(known.ports.tcp, ports.tcp), udp: unionSpans(known.ports.udp, ports.udp) };
  };
  for (const source of state.policy.lanRanges) grant(source, groups.get("lan"));
  for (const source of state.policy.primaryAdmin) grant(source, groups.get("admin"));
  for (const allow of state.allow) for (const service of allow.services) grant(allow.address, groups.get(service));
  return grants;
}

/** The new state's grants of one family, indexed for "which contain" and "which lie inside". */
class AllowedAfter {
  private readonly containers = new CidrIndex<Grant>();
  private readonly byStart: Grant[];

  constructor(grants: FamilyGrants) {
    this.byStart = [...grants.byNetwork.values()];
    for (const grant of this.byStart) this.containers.add(grant.cidr, grant);
    this.byStart.sort((a, b) => (a.cidr.start < b.cidr.start ? -1 : a.cidr.start > b.cidr.start ? 1 : a.cidr.prefix - b.cidr.prefix));
  }

  containing(cidr: Cidr): Grant[] {
    return this.containers.containing(cidr);
  }

  /** Grants of networks strictly inside `cidr`. */
  inside(cidr: Cidr): Grant[] {
    const end = cidrEnd(cidr);
    let low = 0;
    let high = this.byStart.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.byStart[middle]!.cidr.start < cidr.start) low = middle + 1;
      else high = middle;
    }
    const found: Grant[] = [];
    for (let i = low; i < this.byStart.length && this.byStart[i]!.cidr.start <= end; i++) {
      if (this.byStart[i]!.cidr.prefix > cidr.prefix) found.push(this.byStart[i]!);
    }
    return found;
  }
}

/** Networks that lost ports, before broader networks of the new state are considered. */
function candidates(before: FamilyGrants, after: FamilyGrants, family: Family): Grant[] {
  const lost: Grant[] = [];
  for (const grant of before.byNetwork.values()) {
    const same = after.byNetwork.get(grant.cidr.text);
    const left = withoutPorts(withoutPorts(grant.ports, after.openToAll), same?.ports ?? noPorts());
    if (!isEmpty(left)) lost.push({ cidr: grant.cidr, ports: left });
  }
  const closed = withoutPorts(before.openToAll, after.openToAll);
  if (!isEmpty(closed)) lost.push({ cidr: everyAddress(family), ports: closed });
  return lost;
}

function flowsOf(family: Family, lost: Grant, allowed: AllowedAfter): RevokedFlow[] {
  let left = lost.ports;
  for (const container of allowed.containing(lost.cidr)) left = withoutPorts(left, container.ports);
  if (isEmpty(left)) return [];
  const inside = allowed.inside(lost.cidr);
  return PROTOCOLS.filter((protocol) => left[protocol].length > 0).map((protocol) => ({
    family,
    protocol,
    source: lost.cidr.text,
    ports: left[protocol],
    kept: inside
      .map((grant) => ({ source: grant.cidr.text, ports: intersectSpans(grant.ports[protocol], left[protocol]) }))
      .filter((kept) => kept.ports.length > 0),
  }));
}

/**
 * The same question on smaller states, when only allow entries changed (the usual apply): before
 * keeps the services each address lost, after what can still cover them (the same address, any
 * network, the policy). Null when nothing was lost. Relies on canonical addresses, which
 * ResolvedState carries (the resolver's output).
 */
function narrowedToLosses(before: ResolvedState, after: ResolvedState): { before: ResolvedState; after: ResolvedState } | null {
  const sameRules = JSON.stringify([before.policy, before.services]) === JSON.stringify([after.policy, after.services]);
  if (!sameRules) return { before, after };
  const lost: ResolvedState["allow"] = [];
  // Both lists come sorted by address (the resolver sorts them): a merge walk finds every address
  // with string comparisons. Only for a list out of order is a Map built.
  let byAddress: Map<string, readonly string[]> | null = null;
  const sorted = after.allow.every((allow, i) => i === 0 || after.allow[i - 1]!.address < allow.address);
  const servicesAfter = (address: string): readonly string[] | undefined => {
    if (sorted) return undefined;
    byAddress ??= new Map(after.allow.map((allow) => [allow.address, allow.services]));
    return byAddress.get(address);
  };
  let j = 0;
  for (const allow of before.allow) {
    while (j < after.allow.length && after.allow[j]!.address < allow.address) j++;
    const still = after.allow[j]?.address === allow.address ? after.allow[j]!.services : servicesAfter(allow.address);
    if (still !== undefined && (still.includes("all") || allow.services.every((service) => still.includes(service)))) continue;
    lost.push({ address: allow.address, services: still === undefined ? allow.services : allow.services.filter((service) => !still.includes(service)) });
  }
  if (lost.length === 0) return null;
  // A lost network may contain any address the new state allows; a lost address only networks.
  if (lost.some((allow) => allow.address.includes("/"))) return { before: { ...before, allow: lost }, after };
  const lostAddresses = new Set(lost.map((allow) => allow.address));
  const covering = after.allow.filter((allow) => allow.address.includes("/") || lostAddresses.has(allow.address));
  return { before: { ...before, allow: lost }, after: { ...after, allow: covering } };
}

/** The flows `before` allowed and `after` does not (TCP and UDP, both families). */
export function revokedFlows(before: ResolvedState, after: ResolvedState): RevokedFlow[] {
  const narrowed = narrowedToLosses(before, after);
  return narrowed === null ? [] : exactRevokedFlows(narrowed.before, narrowed.after);
}

function exactRevokedFlows(before: ResolvedState, after: ResolvedState): RevokedFlow[] {
  const grantsBefore = grantsOf(before);
  const grantsAfter = grantsOf(after);
  const flows: RevokedFlow[] = [];
  for (const family of FAMILIES) {
    const lost = candidates(grantsBefore[family], grantsAfter[family], family);
    if (lost.length === 0) continue;
    const allowed = new AllowedAfter(grantsAfter[family]);
    for (const grant of lost) flows.push(...flowsOf(family, grant, allowed));
  }
  return flows;
}

interface IndexedFlow {
  ports: PortSpan[];
  kept: CidrIndex<PortSpan[]>;
}

/** Answers, for one open flow, whether it is among `flows`. */
export class RevokedFlowMatcher {
  private readonly index = new Map<string, CidrIndex<IndexedFlow>>();

  constructor(flows: readonly RevokedFlow[]) {
    for (const flow of flows) {
      const kept = new CidrIndex<PortSpan[]>();
      for (const network of flow.kept) kept.add(cidrOf(parseNetwork(network.source)), network.ports);
      this.indexOf(flow.family, flow.protocol).add(this.cidr(flow.family, flow.source), { ports: flow.ports, kept });
    }
  }

  /** `source` is the flow's original source address, `port` its original destination port. */
  matches(protocol: Protocol, source: string, port: number): boolean {
    let address: Cidr;
    try {
      address = cidrOf(parseNetwork(source));
    } catch {
      return false;
    }
    if (address.prefix !== (address.family === 4 ? 32 : 128)) return false;
    const revoked = this.index.get(`${address.family}/${protocol}`)?.containing(address) ?? [];
    return revoked.some((flow) => spansContain(flow.ports, port) && !flow.kept.containing(address).some((ports) => spansContain(ports, port)));
  }

  private indexOf(family: Family, protocol: Protocol): CidrIndex<IndexedFlow> {
    const key = `${family}/${protocol}`;
    let index = this.index.get(key);
    if (index === undefined) this.index.set(key, (index = new CidrIndex()));
    return index;
  }

  private cidr(family: Family, source: string): Cidr {
    return source === everyAddress(family).text ? everyAddress(family) : cidrOf(parseNetwork(source));
  }
}
