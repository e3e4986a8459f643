// Keeping our jump first in INPUT: an allowed source must be accepted before any other tool's
// rule (fail2ban) sees it. Given `iptables -S INPUT`, these are the iptables-restore lines that
// leave exactly one unconditional `-j GATEHOUSE` at position 1 (none when it is already so).
import { IPTABLES_CHAIN } from "./iptables.ts";

const OUR_JUMP = `-A INPUT -j ${IPTABLES_CHAIN}`;

function inputRules(listing: string): string[] {
  return listing.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("-A INPUT "));
}

function jumpsToChain(rules: string[]): number[] {
  const jumps: number[] = [];
  rules.forEach((rule, index) => {
    if (rule.endsWith(` -j ${IPTABLES_CHAIN}`) || rule.includes(` -j ${IPTABLES_CHAIN} `)) jumps.push(index + 1);
  });
  return jumps;
}

export interface InputJumpState {
  present: boolean;
  first: boolean;
  copies: number;
}

export function inspectInputJump(listing: string): InputJumpState {
  const rules = inputRules(listing);
  const jumps = jumpsToChain(rules);
  return { present: jumps.length > 0, first: rules[0] === OUR_JUMP, copies: jumps.length };
}

/** Lines for an iptables-restore `*filter` block; deletes by rule number, highest first. */
export function inputJumpRepair(listing: string): string[] {
  const rules = inputRules(listing);
  const jumps = jumpsToChain(rules);
  if (jumps.length === 1 && jumps[0] === 1 && rules[0] === OUR_JUMP) return [];
  return [...jumps.reverse().map((number) => `-D INPUT ${number}`), `-I INPUT 1 -j ${IPTABLES_CHAIN}`];
}

/** Lines removing every jump to our chain (uninstall). */
export function inputJumpRemoval(listing: string): string[] {
  return jumpsToChain(inputRules(listing)).reverse().map((number) => `-D INPUT ${number}`);
}

/** Inserts `lines` before the final COMMIT of an iptables-restore input. */
export function beforeCommit(ruleset: string, lines: string[]): string {
  if (lines.length === 0) return ruleset;
  const at = ruleset.lastIndexOf("COMMIT");
  if (at < 0) throw new Error("iptables-restore input has no COMMIT");
  return `${ruleset.slice(0, at)}${lines.join("\n")}\n${ruleset.slice(at)}`;
}
