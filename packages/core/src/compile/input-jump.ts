// Keeping our jumps first in their built-in chains: INPUT -> GATEHOUSE, so an allowed source is
// accepted before any other tool's rule (fail2ban) sees it, and FORWARD -> GATEHOUSE-FWD, so
// connections to published (DNAT) ports meet the allowlist before Docker's chains accept them.
// Given `iptables -S <chain>`, these are the iptables-restore lines that leave exactly one
// unconditional jump at position 1 (none when it is already so).
import { IPTABLES_CHAIN, IPTABLES_FORWARD_CHAIN } from "./iptables.ts";

export interface HookJump {
  /** The built-in chain: "INPUT" or "FORWARD". */
  hook: string;
  /** Our chain it jumps to. */
  target: string;
}

export const INPUT_JUMP: HookJump = { hook: "INPUT", target: IPTABLES_CHAIN };
export const FORWARD_JUMP: HookJump = { hook: "FORWARD", target: IPTABLES_FORWARD_CHAIN };

function hookRules(listing: string, jump: HookJump): string[] {
  return listing.split("\n").map((line) => line.trim()).filter((line) => line.startsWith(`-A ${jump.hook} `));
}

function jumpsToChain(rules: string[], jump: HookJump): number[] {
  const jumps: number[] = [];
  rules.forEach((rule, index) => {
    if (rule.endsWith(` -j ${jump.target}`) || rule.includes(` -j ${jump.target} `)) jumps.push(index + 1);
  });
  return jumps;
}

export interface InputJumpState {
  present: boolean;
  first: boolean;
  copies: number;
}

export function inspectJump(listing: string, jump: HookJump): InputJumpState {
  const rules = hookRules(listing, jump);
  const jumps = jumpsToChain(rules, jump);
  return { present: jumps.length > 0, first: rules[0] === `-A ${jump.hook} -j ${jump.target}`, copies: jumps.length };
}

/** Lines for an iptables-restore `*filter` block; deletes by rule number, highest first. */
export function jumpRepair(listing: string, jump: HookJump): string[] {
  const rules = hookRules(listing, jump);
  const jumps = jumpsToChain(rules, jump);
  if (jumps.length === 1 && jumps[0] === 1 && rules[0] === `-A ${jump.hook} -j ${jump.target}`) return [];
  return [...jumps.reverse().map((number) => `-D ${jump.hook} ${number}`), `-I ${jump.hook} 1 -j ${jump.target}`];
}

/** Lines removing every jump to our chain (uninstall). */
export function jumpRemoval(listing: string, jump: HookJump): string[] {
  return jumpsToChain(hookRules(listing, jump), jump).reverse().map((number) => `-D ${jump.hook} ${number}`);
}

export function inspectInputJump(listing: string): InputJumpState {
  return inspectJump(listing, INPUT_JUMP);
}

export function inputJumpRepair(listing: string): string[] {
  return jumpRepair(listing, INPUT_JUMP);
}

export function inputJumpRemoval(listing: string): string[] {
  return jumpRemoval(listing, INPUT_JUMP);
}

/** Inserts `lines` before the final COMMIT of an iptables-restore input. */
export function beforeCommit(ruleset: string, lines: string[]): string {
  if (lines.length === 0) return ruleset;
  const at = ruleset.lastIndexOf("COMMIT");
  if (at < 0) throw new Error("iptables-restore input has no COMMIT");
  return `${ruleset.slice(0, at)}${lines.join("\n")}\n${ruleset.slice(at)}`;
}
