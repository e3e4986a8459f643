// Every rule Gatehouse writes carries a comment "gh:<8 hex>" derived from the rule's own text.
// verify() compares the tags it reads back with the expected ones, so a flushed, reordered,
// edited or foreign rule in our chain is drift — without keeping a copy of what was applied and
// without matching each tool's own way of printing rules.
import { sha256Hex } from "../hash.ts";

export const RULE_TAG_PATTERN = /gh:[0-9a-f]{8}/;

export function ruleTag(scope: string, ruleText: string): string {
  return `gh:${sha256Hex(`${scope}\n${ruleText}`).slice(0, 8)}`;
}
