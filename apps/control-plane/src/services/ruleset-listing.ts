// A server's effective ruleset for people: the compiler's own output (the exact iptables+ipset
// and nft input the agent will load) plus an `iptables -nL`-style listing of chain GATEHOUSE
// and its sets, read off that output. The control plane does not resolve host names (the agent
// does, on their TTL), so FQDNs appear by name in the sets they will fill, marked as such; so do
// countries, whose networks the agent asks its hub for.
import {
  compileIptables,
  compileNft,
  countryCodeOf,
  ipsetName,
  IPTABLES_CHAIN,
  resolveDesiredState,
  type DesiredState,
  type IptablesRuleset,
} from "@gatehouse/core";

export interface CompiledRuleset {
  iptables: { ipsetRestore: string; iptablesV4: string; iptablesV6: string };
  nft: string;
  /** Host names in the state, to be resolved by the agent (absent from the compiled sets). */
  fqdns: string[];
  listing: string;
}

export function compileForDisplay(state: DesiredState, heading: string): CompiledRuleset {
  const { resolved } = resolveDesiredState(state, new Map());
  const iptables = compileIptables(resolved);
  const nft = compileNft(resolved);
  const fqdnSets = fqdnsBySet(state);
  const fqdns = [...new Set([...fqdnSets.values()].flat())].filter((source) => countryCodeOf(source) === null);
  return {
    iptables: { ipsetRestore: iptables.ipsetRestore, iptablesV4: iptables.iptablesV4, iptablesV6: iptables.iptablesV6 },
    nft,
    fqdns: fqdns.sort(),
    listing: renderListing(heading, iptables, fqdnSets),
  };
}

function isHostName(source: string): boolean {
  return !source.includes(":") && !/^[0-9./]+$/.test(source);
}

/** Set name -> host names (and countries) whose addresses the agent will put there. */
function fqdnsBySet(state: DesiredState): Map<string, string[]> {
  const bySet = new Map<string, string[]>();
  const add = (group: string, fqdn: string): void => {
    for (const family of [4, 6] as const) {
      const name = ipsetName(group, family);
      bySet.set(name, [...(bySet.get(name) ?? []), fqdn]);
    }
  };
  for (const entry of state.entries) {
    if (entry.kind !== "ip") for (const service of entry.services) add(service, entry.source);
  }
  if (state.policy.primaryAdmin !== null && isHostName(state.policy.primaryAdmin)) add("admin", state.policy.primaryAdmin);
  return bySet;
}

const COLUMNS = "target     prot opt source               destination";

function renderListing(heading: string, ruleset: IptablesRuleset, fqdnSets: Map<string, string[]>): string {
  const lines = [heading, ""];
  for (const [family, text] of [[4, ruleset.iptablesV4], [6, ruleset.iptablesV6]] as const) {
    const anywhere = family === 4 ? "0.0.0.0/0" : "::/0";
    lines.push(`Chain ${IPTABLES_CHAIN} (IPv${family}; jumped to from the first rule of INPUT)`, COLUMNS);
    for (const rule of chainRules(text)) {
      lines.push(`${rule.target.padEnd(10)} ${rule.protocol.padEnd(4)} --  ${anywhere.padEnd(20)} ${anywhere.padEnd(11)} ${rule.match}`.trimEnd());
    }
    lines.push("");
  }
  for (const [name, members] of Object.entries(ruleset.sets)) {
    const names = fqdnSets.get(name) ?? [];
    if (members.length === 0 && names.length === 0) continue;
    lines.push(`Name: ${name}`, "Type: hash:net", `Number of entries: ${members.length}${names.length ? ` (+ addresses of ${names.length} host name${names.length > 1 ? "s" : ""})` : ""}`, "Members:");
    lines.push(...members);
    lines.push(...names.map((source) => `${source}  (${countryCodeOf(source) === null ? "host name, resolved on the agent" : "a country's networks, from the geo database"})`));
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

interface ListedRule {
  target: string;
  protocol: string;
  match: string;
}

/** The `-A GATEHOUSE ...` lines of an iptables-restore input, in `iptables -nL` wording. */
function chainRules(restoreInput: string): ListedRule[] {
  return restoreInput
    .split("\n")
    .filter((line) => line.startsWith(`-A ${IPTABLES_CHAIN} `))
    .map((line) => describeRule(line.slice(`-A ${IPTABLES_CHAIN} `.length).split(" ")));
}

function describeRule(tokens: string[]): ListedRule {
  let target = "";
  let protocol = "all";
  const match: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    const next = tokens[i + 1] ?? "";
    switch (token) {
      case "-j":
        target = next;
        i += 1;
        break;
      case "-p":
        protocol = next;
        i += 1;
        break;
      case "-i":
        match.push(`in ${next}`);
        i += 1;
        break;
      case "-m":
        if (next === "comment") i += 3; // "-m comment --comment gh:xxxx": the drift tag, not for people
        else i += 1;
        break;
      case "--ctstate":
        match.push(`ctstate ${next}`);
        i += 1;
        break;
      case "--ctdir":
        match.push(`ctdir ${next}`);
        i += 1;
        break;
      case "--match-set":
        match.push(`match-set ${next} ${tokens[i + 2] ?? ""}`.trimEnd());
        i += 2;
        break;
      case "--dport":
        match.push(`${protocol} ${next.includes(":") ? "dpts" : "dpt"}:${next}`);
        i += 1;
        break;
      case "--dports":
        match.push(`multiport dports ${next}`);
        i += 1;
        break;
      case "--icmpv6-type":
        match.push(`ipv6-icmptype ${next}`);
        i += 1;
        break;
      case "--hl-eq":
        match.push(`HL match HL == ${next}`);
        i += 1;
        break;
      default:
        if (token) match.push(token);
    }
  }
  return { target, protocol, match: match.join(" ") };
}
