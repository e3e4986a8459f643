// A server's host names as its agent last resolved them, for `gatehouse servers show`: each
// name with its addresses (or why it did not resolve), and under a SIP domain (srv:<domain>)
// each SRV target with its ports and addresses.
import type { ApiOutputs } from "./api.ts";
import { ago } from "./output.ts";

type FqdnAnswer = ApiOutputs["fleet"]["server"]["fqdnAnswers"][number];

function targetLines(answer: FqdnAnswer): string[] {
  if (answer.targets === null || answer.error !== null) return [];
  if (answer.targets.length === 0) return ["      no SRV record: the domain's own addresses"];
  return answer.targets.map((t) => `      SRV ${t.target}:${t.ports.join(",")}  ${t.addresses.join(", ") || "no address"}`);
}

export function fqdnAnswersText(answers: readonly FqdnAnswer[], now = Date.now()): string[] {
  if (answers.length === 0) return [];
  const width = Math.max(...answers.map((a) => a.fqdn.length));
  const lines = answers.flatMap((a) => {
    const what = a.error === null ? `${a.addresses.join(", ")} (resolved ${ago(a.resolvedAt, now)})` : `unresolved: ${a.error}`;
    return [`  ${a.fqdn.padEnd(width)}  ${what}`, ...targetLines(a)];
  });
  return ["Host names as the agent resolved them", ...lines];
}
