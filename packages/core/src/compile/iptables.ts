// The iptables + ipset rendering of a FirewallPlan: an `ipset restore` script that replaces every
// set by swapping in a fully loaded copy, and one `iptables-restore --noflush` input per family
// that rewrites chain GATEHOUSE in a single transaction. The jump from INPUT is not part of it:
// it depends on what else is in INPUT, so the backend adds it (see input-jump.ts).
import type { PortRange, Protocol, ResolvedState } from "../model.ts";
import type { Family } from "./members.ts";
import { EVERYTHING_GROUPS, FAMILIES, planFirewall, type FirewallPlan, type RulesPlan, type SourceGroup } from "./plan.ts";
import { ruleTag, sha256Hex } from "./rule-tag.ts";

export const IPTABLES_CHAIN = "GATEHOUSE";
/** Fixed, so `create -exist` always matches the live set (ipset compares maxelem, not hashsize). */
export const IPSET_MAXELEM = 1_048_576;
/** ipset names are at most 31 characters: "gh4-" + a 21-character service id + ".new" fits. */
const TEMPORARY_SUFFIX = ".new";
/** `-m multiport` takes at most 15 ports, a range counting as two. */
const MULTIPORT_SLOTS = 15;
/** IPv6 neighbour discovery (RFC 4861): router solicitation/advertisement, neighbour solicitation/advertisement. */
const NEIGHBOUR_DISCOVERY_TYPES = [133, 134, 135, 136];

/** Everything but the set members: chain GATEHOUSE per family and the sets it matches. */
export interface IptablesRules {
  iptablesV4: string;
  iptablesV6: string;
  /** The ipsets the rules match, one per source group and family. */
  setNames: string[];
  /** Expected rule tags of chain GATEHOUSE, in order, per family (what verify() compares). */
  ruleTags: Record<Family, string[]>;
  /** Same key = same rules and set names; only set members may differ (a delta suffices). */
  rulesKey: string;
}

export interface IptablesRuleset extends IptablesRules {
  ipsetRestore: string;
  /** Members per ipset name, e.g. { "gh4-sip": ["198.51.100.7", "203.0.113.0/24"] }. */
  sets: Record<string, string[]>;
}

export function ipsetName(group: string, family: Family): string {
  return `gh${family}-${group}`;
}

export function temporaryIpsetName(name: string): string {
  return `${name}${TEMPORARY_SUFFIX}`;
}

/** True for sets this agent owns, live ones and leftover temporaries alike. */
export function isGatehouseIpset(name: string): boolean {
  return /^gh[46]-[a-z0-9_-]+(\.new)?$/.test(name);
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

interface Rule {
  match: string;
  target: "ACCEPT" | "DROP";
}

function chainRules(plan: RulesPlan, family: Family): Rule[] {
  const accept = (match: string): Rule => ({ match, target: "ACCEPT" });
  // Established traffic is accepted only in the reply direction (answers to connections this host
  // opened, e.g. the agent's link to the control plane). Packets a peer sends in a flow it opened
  // meet the allow rules again, so removing a source from a set cuts its open flows at once.
  const rules: Rule[] = [accept("-i lo"), accept("-m conntrack --ctstate ESTABLISHED --ctdir REPLY"), accept("-m conntrack --ctstate RELATED")];
  if (family === 6) {
    // Without neighbour discovery IPv6 stops working at all; hop limit 255 proves it is on-link.
    for (const type of NEIGHBOUR_DISCOVERY_TYPES) {
      rules.push(accept(`-p ipv6-icmp -m icmp6 --icmpv6-type ${type} -m hl --hl-eq 255`));
    }
  }
  // ICMP echo is answered only for LAN, admin and "all" sources (their rules accept everything);
  // the public and per-service sources get silence, as in Travelin' Man 3. ICMP errors about our
  // own connections (fragmentation needed, unreachable) are RELATED and accepted above.
  for (const group of EVERYTHING_GROUPS) {
    rules.push(accept(`-m set --match-set ${ipsetName(group, family)} src`));
  }
  for (const ports of plan.servicePorts) {
    for (const portMatch of portMatches(ports.protocol, ports.ranges)) {
      rules.push(accept(`-p ${ports.protocol} -m set --match-set ${ipsetName(ports.group, family)} src ${portMatch}`));
    }
  }
  for (const protocol of ["tcp", "udp"] as const) {
    const ranges = plan.openToAll.filter((range) => range.protocol === protocol);
    for (const portMatch of portMatches(protocol, ranges)) rules.push(accept(`-p ${protocol} ${portMatch}`));
  }
  rules.push({ match: "", target: "DROP" });
  return rules;
}

function renderChain(plan: RulesPlan, family: Family): { text: string; tags: string[] } {
  const tags: string[] = [];
  const lines = chainRules(plan, family).map((rule) => {
    const body = [rule.match, `-j ${rule.target}`].filter(Boolean).join(" ");
    const tag = ruleTag(`iptables${family}`, body);
    tags.push(tag);
    return ["-A", IPTABLES_CHAIN, rule.match, "-m comment --comment", tag, "-j", rule.target].filter(Boolean).join(" ");
  });
  const tool = family === 4 ? "iptables-restore" : "ip6tables-restore";
  const text = [
    `# Gatehouse IPv${family} rules (generated). Load with \`${tool} --noflush\`: only chain ${IPTABLES_CHAIN} changes.`,
    "*filter",
    `:${IPTABLES_CHAIN} - [0:0]`,
    ...lines,
    "COMMIT",
    "",
  ].join("\n");
  return { text, tags };
}

function hashSizeFor(count: number): number {
  let size = 1024;
  while (size * 4 < count) size *= 2;
  return size;
}

function ipsetFamily(family: Family): string {
  return family === 4 ? "inet" : "inet6";
}

/** The `ipset restore` input that replaces every set of `groups` by a fully loaded copy. */
export function renderIpsetRestore(groups: SourceGroup[]): string {
  const lines = [
    "# Gatehouse sets (generated). Load with `ipset restore`. Each live set is replaced by swapping",
    "# in a fully loaded copy, so no live set is ever empty or half loaded; if loading fails before",
    "# the swaps, every live set is untouched.",
  ];
  for (const { group, family } of groups) {
    lines.push(`create ${ipsetName(group, family)} hash:net family ${ipsetFamily(family)} maxelem ${IPSET_MAXELEM} -exist`);
  }
  for (const { group, family, members } of groups) {
    if (members.length > IPSET_MAXELEM) throw new Error(`set ${ipsetName(group, family)} exceeds ${IPSET_MAXELEM} members`);
    const temporary = temporaryIpsetName(ipsetName(group, family));
    const size = hashSizeFor(members.length);
    lines.push(`create ${temporary} hash:net family ${ipsetFamily(family)} hashsize ${size} maxelem ${IPSET_MAXELEM} -exist`);
    lines.push(`flush ${temporary}`);
    for (const member of members) lines.push(`add ${temporary} ${member}`);
  }
  for (const { group, family } of groups) {
    const name = ipsetName(group, family);
    lines.push(`swap ${temporaryIpsetName(name)} ${name}`);
  }
  for (const { group, family } of groups) lines.push(`destroy ${temporaryIpsetName(ipsetName(group, family))}`);
  return `${lines.join("\n")}\n`;
}

/** The rules alone: microseconds, so every apply can tell a member change from a rules change. */
export function compileIptablesRules(rules: RulesPlan): IptablesRules {
  const [v4, v6] = FAMILIES.map((family) => renderChain(rules, family)) as [ReturnType<typeof renderChain>, ReturnType<typeof renderChain>];
  const setNames = rules.groupNames.flatMap((group) => FAMILIES.map((family) => ipsetName(group, family)));
  return {
    iptablesV4: v4.text,
    iptablesV6: v6.text,
    setNames,
    ruleTags: { 4: v4.tags, 6: v6.tags },
    rulesKey: sha256Hex(JSON.stringify([v4.text, v6.text, setNames])),
  };
}

export function compileIptablesPlan(plan: FirewallPlan): IptablesRuleset {
  const sets: Record<string, string[]> = {};
  for (const { group, family, members } of plan.groups) sets[ipsetName(group, family)] = members;
  return { ...compileIptablesRules(plan), ipsetRestore: renderIpsetRestore(plan.groups), sets };
}

export function compileIptables(state: ResolvedState): IptablesRuleset {
  return compileIptablesPlan(planFirewall(state));
}
