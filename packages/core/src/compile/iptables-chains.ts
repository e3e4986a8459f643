// The rules of our two iptables chains, per family, before rendering:
//   GATEHOUSE (jumped to first from INPUT): traffic to this host;
//   GATEHOUSE-FWD (jumped to first from FORWARD): connections to ports this host publishes by
//   DNAT (Docker's `-p`, or any DNAT to a local container or VM). It RETURNs what the allowlist
//   allows, so Docker's own chains still decide, and drops the rest; forwarded traffic that was
//   not DNATed (a container's outbound connections, routing) is not ours to judge and returns.
import type { PortRange, Protocol } from "../model.ts";
import type { Family } from "./members.ts";
import { DHCPV6_REPLY, ICMPV6_ACCEPTED, LINK_LOCAL_V6, type Icmpv6Accept } from "./ipv6-control.ts";
import { EVERYTHING_GROUPS, type RulesPlan } from "./plan.ts";
import { iptablesKnockMatches } from "./knock-sets.ts";

export const IPTABLES_CHAIN = "GATEHOUSE";
export const IPTABLES_FORWARD_CHAIN = "GATEHOUSE-FWD";
/** `-m multiport` takes at most 15 ports, a range counting as two. */
const MULTIPORT_SLOTS = 15;

export interface Rule {
  match: string;
  /** `SET --add-set ...` (drop telemetry) does not end the packet's walk through the chain. */
  target: "ACCEPT" | "DROP" | "RETURN" | `SET --add-set ${string}`;
}

export function ipsetName(group: string, family: Family): string {
  return `gh${family}-${group}`;
}

function formatPortRange(range: PortRange, separator: string): string {
  return range.from === range.to ? `${range.from}` : `${range.from}${separator}${range.to}`;
}

function multiportChunks(ranges: PortRange[]): PortRange[][] {
  const chunks: PortRange[][] = [];
  let current: PortRange[] = [];
  let used = 0;
  for (const range of ranges) {
    const slots = range.from === range.to ? 1 : 2;
    if (used + slots > MULTIPORT_SLOTS) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(range);
    used += slots;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function portMatches(protocol: Protocol, ranges: PortRange[]): string[] {
  return multiportChunks(ranges).map((chunk) => {
    const [only] = chunk;
    if (chunk.length === 1 && only) return `-m ${protocol} --dport ${formatPortRange(only, ":")}`;
    return `-m multiport --dports ${chunk.map((range) => formatPortRange(range, ":")).join(",")}`;
  });
}

/** The port a client connected to, before DNAT: what the allowlist's services name. One range per rule. */
function publishedPortMatches(ranges: PortRange[]): string[] {
  return ranges.map((range) => `-m conntrack --ctorigdstport ${formatPortRange(range, ":")}`);
}

function icmpv6Rules(accepted: Icmpv6Accept): string[] {
  return accepted.types.map((type) => {
    const icmp = `-p ipv6-icmp -m icmp6 --icmpv6-type ${type}`;
    if (accepted.onLink === "hop-limit-255") return `${icmp} -m hl --hl-eq 255`;
    if (accepted.onLink === "link-local-source") return `-s ${LINK_LOCAL_V6} ${icmp}`;
    return icmp;
  });
}

function ipv6ControlRules(): Rule[] {
  return ICMPV6_ACCEPTED.flatMap(icmpv6Rules).map((match) => ({ match, target: "ACCEPT" }));
}

/** Allowlist matches: sources allowed everything, then per service and port, then ports open to all. */
function allowMatches(plan: RulesPlan, family: Family, ports: (protocol: Protocol, ranges: PortRange[]) => string[]): string[] {
  const matches = EVERYTHING_GROUPS.map((group) => `-m set --match-set ${ipsetName(group, family)} src`);
  for (const service of plan.servicePorts) {
    for (const portMatch of ports(service.protocol, service.ranges)) {
      matches.push(`-p ${service.protocol} -m set --match-set ${ipsetName(service.group, family)} src ${portMatch}`);
    }
  }
  for (const protocol of ["tcp", "udp"] as const) {
    const ranges = plan.openToAll.filter((range) => range.protocol === protocol);
    if (ranges.length > 0) matches.push(...ports(protocol, ranges).map((portMatch) => `-p ${protocol} ${portMatch}`));
  }
  return matches;
}

export function inputChainRules(plan: RulesPlan, family: Family): Rule[] {
  const accept = (match: string): Rule => ({ match, target: "ACCEPT" });
  const rules: Rule[] = [accept("-i lo")];
  if (family === 6) rules.push(...ipv6ControlRules());
  rules.push({ match: "-m conntrack --ctstate INVALID", target: "DROP" });
  // Established traffic is accepted only in the reply direction (answers to connections this host
  // opened, e.g. the agent's link to the control plane). Packets a peer sends in a flow it opened
  // meet the allow rules again, so removing a source from a set cuts its open flows at once.
  rules.push(accept("-m conntrack --ctstate ESTABLISHED --ctdir REPLY"), accept("-m conntrack --ctstate RELATED"));
  if (family === 6) {
    const dhcp = DHCPV6_REPLY;
    rules.push(accept(`-d ${dhcp.destination} -p udp -m udp --sport ${dhcp.sourcePort} --dport ${dhcp.destinationPort}`));
  }
  // ICMP echo is answered only for LAN, admin and "all" sources (their rules accept everything);
  // the public and per-service sources get silence, as in Travelin' Man 3.
  rules.push(...allowMatches(plan, family, portMatches).map(accept));
  // Drop telemetry (knock-sets.ts): counts what the final DROP is about to drop.
  rules.push(...iptablesKnockMatches(family));
  rules.push({ match: "", target: "DROP" });
  return rules;
}

export function forwardChainRules(plan: RulesPlan, family: Family): Rule[] {
  const pass = (match: string): Rule => ({ match, target: "RETURN" });
  return [
    pass("-m conntrack ! --ctstate DNAT"),
    pass("-m conntrack --ctdir REPLY"),
    pass("-m conntrack --ctstate RELATED"),
    ...allowMatches(plan, family, (_protocol, ranges) => publishedPortMatches(ranges)).map(pass),
    { match: "", target: "DROP" },
  ];
}
