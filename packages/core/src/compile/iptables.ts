// The iptables + ipset rendering of a FirewallPlan: an `ipset restore` script that replaces every
// set by swapping in a fully loaded copy, and one `iptables-restore --noflush` input per family
// that rewrites chains GATEHOUSE and GATEHOUSE-FWD (iptables-chains.ts) in a single transaction.
// The jumps from INPUT and FORWARD are not part of it: they depend on what else is in those
// chains, so the backend adds them (see input-jump.ts).
import type { ResolvedState } from "../model.ts";
import { forwardChainRules, inputChainRules, ipsetName, IPTABLES_CHAIN, IPTABLES_FORWARD_CHAIN, type Rule } from "./iptables-chains.ts";
import type { Family } from "./members.ts";
import { FAMILIES, planFirewall, type FirewallPlan, type RulesPlan, type SourceGroup } from "./plan.ts";
import { sha256Hex } from "../hash.ts";
import { ruleTag } from "./rule-tag.ts";
import { ipsetKnockCreate, knockSetName } from "./knock-sets.ts";

export { ipsetName, IPTABLES_CHAIN, IPTABLES_FORWARD_CHAIN };

/** Fixed, so `create -exist` always matches the live set (ipset compares maxelem, not hashsize). */
export const IPSET_MAXELEM = 1_048_576;
/** ipset names are at most 31 characters: "gh4-" + a 21-character service id + ".new" fits. */
const TEMPORARY_SUFFIX = ".new";

export interface IptablesRules {
  iptablesV4: string;
  iptablesV6: string;
  /** The ipsets the rules use: one per source group and family, then the drop-telemetry sets. */
  setNames: string[];
  /** Expected rule tags of chain GATEHOUSE, in order, per family (what verify() compares). */
  ruleTags: Record<Family, string[]>;
  /** Expected rule tags of chain GATEHOUSE-FWD, in order, per family. */
  forwardRuleTags: Record<Family, string[]>;
  /** Same key = same rules and set names; only set members may differ (a delta suffices). */
  rulesKey: string;
}

export interface IptablesRuleset extends IptablesRules {
  ipsetRestore: string;
  /** Members per ipset name, e.g. { "gh4-sip": ["198.51.100.7", "203.0.113.0/24"] }. */
  sets: Record<string, string[]>;
}

export function temporaryIpsetName(name: string): string {
  return `${name}${TEMPORARY_SUFFIX}`;
}

/** True for sets this agent owns, live ones and leftover temporaries alike. */
export function isGatehouseIpset(name: string): boolean {
  return /^gh[46](-[a-z0-9_-]+(\.new)?|\.knock)$/.test(name);
}

function renderRules(chain: string, scope: string, rules: Rule[]): { lines: string[]; tags: string[] } {
  const tags: string[] = [];
  const lines = rules.map((rule) => {
    const body = [rule.match, `-j ${rule.target}`].filter(Boolean).join(" ");
    const tag = ruleTag(scope, body);
    tags.push(tag);
    return ["-A", chain, rule.match, "-m comment --comment", tag, "-j", rule.target].filter(Boolean).join(" ");
  });
  return { lines, tags };
}

function renderChains(plan: RulesPlan, family: Family): { text: string; tags: string[]; forwardTags: string[] } {
  const input = renderRules(IPTABLES_CHAIN, `iptables${family}`, inputChainRules(plan, family));
  const forward = renderRules(IPTABLES_FORWARD_CHAIN, `iptables${family}-forward`, forwardChainRules(plan, family));
  const tool = family === 4 ? "iptables-restore" : "ip6tables-restore";
  const text = [
    `# Gatehouse IPv${family} rules (generated). Load with \`${tool} --noflush\`: only chains ${IPTABLES_CHAIN} and ${IPTABLES_FORWARD_CHAIN} change.`,
    "*filter",
    `:${IPTABLES_CHAIN} - [0:0]`,
    `:${IPTABLES_FORWARD_CHAIN} - [0:0]`,
    ...input.lines,
    ...forward.lines,
    "COMMIT",
    "",
  ].join("\n");
  return { text, tags: input.tags, forwardTags: forward.tags };
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
    "# the swaps, every live set is untouched. The drop-telemetry sets (gh4.knock) are only created.",
    ...FAMILIES.map(ipsetKnockCreate),
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
  const [v4, v6] = FAMILIES.map((family) => renderChains(rules, family)) as [ReturnType<typeof renderChains>, ReturnType<typeof renderChains>];
  const setNames = [...rules.groupNames.flatMap((group) => FAMILIES.map((family) => ipsetName(group, family))), ...FAMILIES.map(knockSetName)];
  return {
    iptablesV4: v4.text,
    iptablesV6: v6.text,
    setNames,
    ruleTags: { 4: v4.tags, 6: v6.tags },
    forwardRuleTags: { 4: v4.forwardTags, 6: v6.forwardTags },
    rulesKey: sha256Hex(JSON.stringify([v4.text, v6.text, setNames])),
  };
}

function compileIptablesPlan(plan: FirewallPlan): IptablesRuleset {
  const sets: Record<string, string[]> = {};
  for (const { group, family, members } of plan.groups) sets[ipsetName(group, family)] = members;
  return { ...compileIptablesRules(plan), ipsetRestore: renderIpsetRestore(plan.groups), sets };
}

export function compileIptables(state: ResolvedState): IptablesRuleset {
  return compileIptablesPlan(planFirewall(state));
}
