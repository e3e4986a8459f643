// The nftables rendering of a FirewallPlan: one `nft -f` script that replaces table
// `inet gatehouse` in a single transaction (declare, delete, define: the kernel commits all or
// nothing, so there is no moment without the table or with half of it).
//
// Each source group has two sets per family: single addresses in a plain hash set ("gh4-sip")
// and networks in an interval set ("gh4-sip.net"). nft 1.0.x reads a whole interval set back
// before changing it (0.5 s at 100k members, minutes to delete 500), while a hash set takes a
// 1,000-element delta in milliseconds; travelers and trunks are mostly single addresses.
import type { PortRange, Protocol, ResolvedState } from "../model.ts";
import { DHCPV6_REPLY, ICMPV6_ACCEPTED, LINK_LOCAL_V6, type Icmpv6Accept } from "./ipv6-control.ts";
import { isHostMember, type Family } from "./members.ts";
import { EVERYTHING_GROUPS, FAMILIES, planFirewall, type FirewallPlan, type RulesPlan, type SourceGroup } from "./plan.ts";
import { sha256Hex } from "../hash.ts";
import { ruleTag } from "./rule-tag.ts";
import { nftKnockRule, nftKnockSetLines } from "./knock-sets.ts";

export const NFT_TABLE = "gatehouse";
export const NFT_FAMILY = "inet";
export const NFT_CHAIN = "input";
export const NFT_FORWARD_CHAIN = "forward";
/**
 * Before iptables-nft's filter INPUT (priority 0) and fail2ban's nft table (-1); after conntrack
 * (-200), so `ct state` works. A drop here is final. An accept is not: nftables runs every table's
 * base chain on the hook, so a chain of another table at a later priority (fail2ban, iptables-nft)
 * still sees and may drop a source we allowed. Unlike the iptables backend (our jump first in
 * INPUT), this backend cannot promise that fail2ban never bans an allowed source.
 */
const NFT_PRIORITY = "filter - 10";

/** Everything but the set members: the chain's rules and the sets they match. */
export interface NftRules {
  /** Rules of chain input, in order, without their tag comments. */
  chainRules: string[];
  /** Expected rule tags of chain input, in order. */
  ruleTags: string[];
  /** Rules and expected tags of chain forward (connections to DNAT-published ports). */
  forwardChainRules: string[];
  forwardRuleTags: string[];
  /** Same key = same rules and set names; only set members may differ (a delta suffices). */
  rulesKey: string;
}

export interface NftRuleset extends NftRules {
  script: string;
  /** Members per nft set name: hosts in "gh4-sip", networks in "gh4-sip.net". */
  sets: Record<string, string[]>;
}

export function nftHostSetName(group: string, family: Family): string {
  return `gh${family}-${group}`;
}

export function nftNetworkSetName(group: string, family: Family): string {
  return `gh${family}-${group}.net`;
}

interface NftSet {
  name: string;
  family: Family;
  interval: boolean;
  members: string[];
}

function nftSets(groups: SourceGroup[]): NftSet[] {
  return groups.flatMap(({ group, family, members }) => [
    { name: nftHostSetName(group, family), family, interval: false, members: members.filter(isHostMember) },
    { name: nftNetworkSetName(group, family), family, interval: true, members: members.filter((m) => !isHostMember(m)) },
  ]);
}

function formatPorts(ranges: PortRange[]): string {
  const items = ranges.map((range) => (range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`));
  const [only] = items;
  return items.length === 1 && only ? only : `{ ${items.join(", ")} }`;
}

function sourceMatches(group: string, family: Family): string[] {
  const address = family === 4 ? "ip saddr" : "ip6 saddr";
  return [`${address} @${nftHostSetName(group, family)}`, `${address} @${nftNetworkSetName(group, family)}`];
}

function icmpv6Rule(accepted: Icmpv6Accept): string {
  const types = `icmpv6 type { ${accepted.types.join(", ")} }`;
  if (accepted.onLink === "hop-limit-255") return `${types} ip6 hoplimit 255 accept`;
  if (accepted.onLink === "link-local-source") return `${types} ip6 saddr ${LINK_LOCAL_V6} accept`;
  return `${types} accept`;
}

/** Allowlist matches (without the verdict): everything-groups, then per service and port, then ports open to all. */
function allowMatches(plan: RulesPlan, ports: (protocol: Protocol, ranges: PortRange[]) => string[]): string[] {
  const matches: string[] = [];
  for (const group of EVERYTHING_GROUPS) {
    for (const family of FAMILIES) matches.push(...sourceMatches(group, family));
  }
  for (const service of plan.servicePorts) {
    for (const family of FAMILIES) {
      for (const match of sourceMatches(service.group, family)) {
        matches.push(...ports(service.protocol, service.ranges).map((port) => `${match} ${port}`));
      }
    }
  }
  for (const protocol of ["tcp", "udp"] as const) {
    const ranges = plan.openToAll.filter((range) => range.protocol === protocol);
    if (ranges.length > 0) matches.push(...ports(protocol, ranges));
  }
  return matches;
}

function inputChainRules(plan: RulesPlan): string[] {
  const dhcp = DHCPV6_REPLY;
  return [
    `iif "lo" accept`,
    // IPv6 control traffic first: conntrack calls most of it untracked or invalid (ipv6-control.ts).
    ...ICMPV6_ACCEPTED.map(icmpv6Rule),
    "ct state invalid drop",
    // Reply direction only: a peer's own flow meets the allow rules with every packet (iptables-chains.ts).
    "ct state established ct direction reply accept",
    "ct state related accept",
    `ip6 daddr ${dhcp.destination} udp sport ${dhcp.sourcePort} udp dport ${dhcp.destinationPort} accept`,
    // ICMP echo: answered only for LAN, admin and "all" sources (see iptables-chains.ts for why).
    ...allowMatches(plan, (protocol, ranges) => [`${protocol} dport ${formatPorts(ranges)}`]).map((match) => `${match} accept`),
    // Drop telemetry (knock-sets.ts): counts what the policy is about to drop.
    ...FAMILIES.map(nftKnockRule),
  ];
}

/**
 * Connections to ports published by DNAT (Docker, a container, a VM) meet the same allowlist,
 * matched on the port the client connected to (before DNAT). An accept here only means "not
 * ours to refuse": Docker's chains still decide. Everything that was not DNATed passes.
 */
function forwardChainRules(plan: RulesPlan): string[] {
  // One range per rule: `ct original proto-dst` does not take a set of port ranges.
  const published = (protocol: Protocol, ranges: PortRange[]) =>
    ranges.map((range) => `meta l4proto ${protocol} ct original proto-dst ${range.from === range.to ? range.from : `${range.from}-${range.to}`}`);
  return [
    "ct state invalid,untracked accept",
    "ct status & dnat == 0 accept",
    "ct direction reply accept",
    "ct state related accept",
    ...allowMatches(plan, published).map((match) => `${match} accept`),
    "drop",
  ];
}

function renderSet(set: NftSet, withMembers: boolean): string[] {
  const lines = [`\tset ${set.name} {`, `\t\ttype ${set.family === 4 ? "ipv4_addr" : "ipv6_addr"}`];
  if (set.interval) lines.push("\t\tflags interval");
  if (withMembers && set.members.length > 0) lines.push(`\t\telements = { ${set.members.join(", ")} }`);
  lines.push("\t}");
  return lines;
}

interface ChainText {
  rules: string[];
  tags: string[];
}

function renderChain(name: string, hook: string, policy: "drop" | "accept", chain: ChainText): string[] {
  return [
    `\tchain ${name} {`,
    `\t\ttype filter hook ${hook} priority ${NFT_PRIORITY}; policy ${policy};`,
    ...chain.rules.map((rule, index) => `\t\t${rule} comment "${chain.tags[index] ?? ""}"`),
    "\t}",
  ];
}

function renderScript(sets: NftSet[], input: ChainText, forward: ChainText, withMembers: boolean): string {
  return [
    "#!/usr/sbin/nft -f",
    `# Gatehouse firewall (generated). Load with \`nft -f\`: one transaction replaces table ${NFT_FAMILY} ${NFT_TABLE}.`,
    "# A drop in this table is final. An accept is not: a base chain of another table at a later",
    "# priority (fail2ban, iptables-nft) still sees the packet and may drop it.",
    `table ${NFT_FAMILY} ${NFT_TABLE} {}`,
    `delete table ${NFT_FAMILY} ${NFT_TABLE}`,
    `table ${NFT_FAMILY} ${NFT_TABLE} {`,
    ...sets.flatMap((set) => renderSet(set, withMembers)),
    ...FAMILIES.flatMap(nftKnockSetLines),
    // Public sources fall through to the policy: dropped silently, no reject.
    ...renderChain(NFT_CHAIN, "input", "drop", input),
    ...renderChain(NFT_FORWARD_CHAIN, "forward", "accept", forward),
    "}",
    "",
  ].join("\n");
}

/** The rules alone: microseconds, so every apply can tell a member change from a rules change. */
export function compileNftRules(plan: RulesPlan): NftRules {
  const chain = inputChainRules(plan);
  const ruleTags = chain.map((rule) => ruleTag("nft", rule));
  const forward = forwardChainRules(plan);
  const forwardRuleTags = forward.map((rule) => ruleTag("nft-forward", rule));
  const declared = nftSets(plan.groupNames.flatMap((group) => FAMILIES.map((family) => ({ group, family, members: [] }))));
  const rulesKey = sha256Hex(renderScript(declared, { rules: chain, tags: ruleTags }, { rules: forward, tags: forwardRuleTags }, false));
  return { chainRules: chain, ruleTags, forwardChainRules: forward, forwardRuleTags, rulesKey };
}

/** The `nft -f` script that replaces the table with `rules` and the members of `groups`. */
export function renderNftScript(rules: NftRules, groups: SourceGroup[]): string {
  const input = { rules: rules.chainRules, tags: rules.ruleTags };
  return renderScript(nftSets(groups), input, { rules: rules.forwardChainRules, tags: rules.forwardRuleTags }, true);
}

function compileNftPlan(plan: FirewallPlan): NftRuleset {
  const rules = compileNftRules(plan);
  const members: Record<string, string[]> = {};
  for (const set of nftSets(plan.groups)) members[set.name] = set.members;
  return { ...rules, script: renderNftScript(rules, plan.groups), sets: members };
}

export function compileNftRuleset(state: ResolvedState): NftRuleset {
  return compileNftPlan(planFirewall(state));
}

export function compileNft(state: ResolvedState): string {
  return compileNftRuleset(state).script;
}
