// Compares the members the kernel holds with the members we expect, set by set.
import { canonicalMember } from "@gatehouse/core";

const EXAMPLES = 3;

function examples(members: string[]): string {
  const shown = members.slice(0, EXAMPLES).join(", ");
  return members.length > EXAMPLES ? `${shown}, ...` : shown;
}

function canonical(member: string): string {
  try {
    return canonicalMember(member);
  } catch {
    return member;
  }
}

/** One problem per set that is missing or whose members differ; empty when all match. */
export function setDriftProblems(expected: Record<string, string[]>, live: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [name, members] of Object.entries(expected)) {
    const liveMembers = live.get(name);
    if (liveMembers === undefined) {
      problems.push(`set ${name} is missing`);
      continue;
    }
    const have = new Set(liveMembers.map(canonical));
    const want = new Set(members);
    const missing = members.filter((member) => !have.has(member));
    const unexpected = [...have].filter((member) => !want.has(member));
    if (missing.length > 0 || unexpected.length > 0) {
      const parts = [];
      if (missing.length > 0) parts.push(`${missing.length} missing (${examples(missing)})`);
      if (unexpected.length > 0) parts.push(`${unexpected.length} unexpected (${examples(unexpected)})`);
      problems.push(`set ${name} differs: ${parts.join(", ")}`);
    }
  }
  return problems;
}

/** Problems when the tags of the rules in our chain are not exactly the expected ones, in order. */
export function ruleDriftProblems(chain: string, expected: string[], live: Array<string | null>): string[] {
  if (live.length === 0) return expected.length === 0 ? [] : [`chain ${chain} has no rules (flushed)`];
  const foreign = live.filter((tag) => tag === null).length;
  const same = live.length === expected.length && live.every((tag, index) => tag === expected[index]);
  if (same) return [];
  const detail = foreign > 0 ? `, ${foreign} not written by Gatehouse` : "";
  return [`rules in chain ${chain} differ from the applied ruleset: expected ${expected.length}, found ${live.length}${detail}`];
}
