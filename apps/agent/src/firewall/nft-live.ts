// Reads back table inet gatehouse (`nft -j list table`), for drift checks.
import { NFT_CHAIN, NFT_FAMILY, NFT_FORWARD_CHAIN, NFT_TABLE, RULE_TAG_PATTERN } from "@gatehouse/core";
import { CommandError, type CommandRunner } from "./command-runner.ts";

/** How nft says the table is not there. */
export const NO_SUCH_TABLE = /No such file or directory/;

/** Our base chains' hooks, as nft reports them (priority "filter - 10" is -10). */
const EXPECTED_HOOKS = {
  [NFT_CHAIN]: { type: "filter", hook: "input", prio: -10, policy: "drop" },
  [NFT_FORWARD_CHAIN]: { type: "filter", hook: "forward", prio: -10, policy: "accept" },
} as const;

export interface NftTableState {
  tableExists: boolean;
  /** Problems with the base chains themselves (missing, other hook/priority/policy). */
  chainProblems: string[];
  ruleTags: Array<string | null>;
  /** Tags of chain forward's rules. */
  forwardRuleTags: Array<string | null>;
  sets: Map<string, string[]>;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An element as nft lists it: "192.0.2.1", {prefix:{addr,len}} or {range:[from,to]}. */
function elementText(element: unknown): string {
  if (typeof element === "string") return element;
  if (isObject(element) && isObject(element.prefix)) return `${String(element.prefix.addr)}/${String(element.prefix.len)}`;
  if (isObject(element) && Array.isArray(element.range)) return element.range.map(String).join("-");
  if (isObject(element) && isObject(element.elem)) return elementText(element.elem.val);
  return JSON.stringify(element);
}

function parseNftTable(json: string): NftTableState {
  const parsed: unknown = JSON.parse(json);
  const items = isObject(parsed) && Array.isArray(parsed.nftables) ? parsed.nftables : [];
  const sets = new Map<string, string[]>();
  const tags = new Map<string, Array<string | null>>([[NFT_CHAIN, []], [NFT_FORWARD_CHAIN, []]]);
  const chains = new Map<string, JsonObject>();
  for (const item of items) {
    if (!isObject(item)) continue;
    if (isObject(item.set)) {
      const elements = Array.isArray(item.set.elem) ? item.set.elem : [];
      sets.set(String(item.set.name), elements.map(elementText));
    }
    if (isObject(item.chain)) chains.set(String(item.chain.name), item.chain);
    if (isObject(item.rule)) {
      const comment = typeof item.rule.comment === "string" ? item.rule.comment : "";
      tags.get(String(item.rule.chain))?.push(RULE_TAG_PATTERN.exec(comment)?.[0] ?? null);
    }
  }
  const chainProblems: string[] = [];
  for (const [name, expected] of Object.entries(EXPECTED_HOOKS)) {
    const chain = chains.get(name);
    if (chain === undefined) chainProblems.push(`chain ${name} is missing from table ${NFT_FAMILY} ${NFT_TABLE}`);
    else {
      for (const [key, value] of Object.entries(expected)) {
        if (chain[key] !== value) chainProblems.push(`chain ${name} has ${key} ${String(chain[key])}, expected ${value}`);
      }
    }
  }
  return { tableExists: true, chainProblems, ruleTags: tags.get(NFT_CHAIN) ?? [], forwardRuleTags: tags.get(NFT_FORWARD_CHAIN) ?? [], sets };
}

export async function readNftTable(runner: CommandRunner): Promise<NftTableState> {
  try {
    const { stdout } = await runner.run("nft", ["-j", "list", "table", NFT_FAMILY, NFT_TABLE]);
    return parseNftTable(stdout);
  } catch (error) {
    if (error instanceof CommandError && NO_SUCH_TABLE.test(error.stderr)) {
      return { tableExists: false, chainProblems: [], ruleTags: [], forwardRuleTags: [], sets: new Map() };
    }
    throw error;
  }
}
