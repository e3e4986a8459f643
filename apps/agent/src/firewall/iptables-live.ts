// Reads back what iptables and ipset enforce right now, for drift checks.
import {
  FORWARD_JUMP,
  INPUT_JUMP,
  RULE_TAG_PATTERN,
  inspectJump,
  isGatehouseIpset,
  type HookJump,
  type InputJumpState,
  type IpFamily,
} from "@gatehouse/core";
import type { CommandRunner } from "./command-runner.ts";

const IPTABLES = { 4: "iptables", 6: "ip6tables" } as const satisfies Record<IpFamily, string>;
export const IPTABLES_RESTORE = { 4: "iptables-restore", 6: "ip6tables-restore" } as const satisfies Record<IpFamily, string>;
/** Wait for the xtables lock (iptables-legacy) instead of failing when fail2ban holds it. */
export const XTABLES_WAIT = ["-w", "10"];

/** One of our chains and the jump to it from its built-in chain. */
export interface OwnChainState {
  chainExists: boolean;
  /** Tag of each rule in our chain, null for a rule we did not write. */
  ruleTags: Array<string | null>;
  jump: InputJumpState;
  /** `-A INPUT` (or `-A FORWARD`) lines as listed, for repairing the jump. */
  hookListing: string;
  /** The ipsets the chain matches. */
  matchedSets: string[];
}

export interface FilterTableState extends OwnChainState {
  inputJump: InputJumpState;
  /** `-A INPUT` lines as listed, for repairing the jump. */
  inputListing: string;
  /** Chain GATEHOUSE-FWD (connections to DNAT-published ports), jumped to from FORWARD. */
  forward: OwnChainState;
}

function ownChain(lines: string[], jump: HookJump): OwnChainState {
  const chainLines = lines.filter((line) => line.startsWith(`-A ${jump.target} `));
  const hookListing = lines.filter((line) => line.startsWith(`-A ${jump.hook} `)).join("\n");
  return {
    chainExists: lines.includes(`-N ${jump.target}`),
    ruleTags: chainLines.map((line) => RULE_TAG_PATTERN.exec(line)?.[0] ?? null),
    jump: inspectJump(hookListing, jump),
    hookListing,
    matchedSets: [...new Set(chainLines.flatMap((line) => [...line.matchAll(/--match-set (\S+)/g)].map((match) => match[1]!)))],
  };
}

/**
 * `matchedSets`: the ipsets our chains match, sets only this agent makes (an operator's gh4-x
 * is never among them).
 */
function parseFilterTable(listing: string): FilterTableState {
  const lines = listing.split("\n").map((line) => line.trim());
  const input = ownChain(lines, INPUT_JUMP);
  const forward = ownChain(lines, FORWARD_JUMP);
  const matchedSets = [...new Set([...input.matchedSets, ...forward.matchedSets])];
  return { ...input, matchedSets, inputJump: input.jump, inputListing: input.hookListing, forward };
}

export async function readFilterTable(runner: CommandRunner, family: IpFamily): Promise<FilterTableState> {
  const { stdout } = await runner.run(IPTABLES[family], [...XTABLES_WAIT, "-t", "filter", "-S"]);
  return parseFilterTable(stdout);
}

/** Members of every Gatehouse ipset, from `ipset save` (one line per member). */
function parseIpsetSave(saved: string): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const line of saved.split("\n")) {
    const [verb, name, member] = line.trim().split(/\s+/);
    if (name === undefined || !isGatehouseIpset(name)) continue;
    if (verb === "create") sets.set(name, sets.get(name) ?? []);
    // The knock sets' elements are counters, not members anyone expects (up to 65,536 of them).
    if (verb === "add" && member !== undefined && !name.endsWith(".knock")) {
      const members = sets.get(name) ?? [];
      members.push(member);
      sets.set(name, members);
    }
  }
  return sets;
}

export async function readIpsets(runner: CommandRunner): Promise<Map<string, string[]>> {
  const { stdout } = await runner.run("ipset", ["save"]);
  return parseIpsetSave(stdout);
}

export async function listIpsetNames(runner: CommandRunner): Promise<string[]> {
  const { stdout } = await runner.run("ipset", ["list", "-n"]);
  return stdout.split("\n").map((line) => line.trim()).filter(isGatehouseIpset);
}
