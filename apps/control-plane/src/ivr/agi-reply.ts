// Asterisk's AGI replies, parsed. A command is answered by one line:
//   200 result=<n> [(<data>)] [key=value ...]   success (result -1 = failure / hang-up)
//   510 Invalid or unknown command
//   511 Command Not Permitted on a dead channel or intercept routine
//   520-Invalid command syntax.  Proper usage follows:   (then usage lines, then "520 End ...")
// and, on FastAGI, Asterisk writes "HANGUP" on its own when the caller hangs up.

export type AgiReply =
  | { kind: "success"; result: string; data: string | null; fields: Record<string, string> }
  | { kind: "dead-channel"; line: string }
  | { kind: "error"; code: number; line: string };

/** A reply line opening a multi-line 520 usage text, read until its closing "520 " line. */
export function opensUsageText(line: string): boolean {
  return line.startsWith("520-");
}

export function parseAgiReply(line: string): AgiReply {
  const status = /^(\d{3})[ -](.*)$/.exec(line);
  if (!status) return { kind: "error", code: 0, line };
  const code = Number(status[1]);
  const rest = status[2] ?? "";
  if (code === 511) return { kind: "dead-channel", line };
  if (code !== 200) return { kind: "error", code, line };
  const result = /^result=(\S*)(.*)$/.exec(rest);
  if (!result) return { kind: "error", code, line };
  let tail = result[2] ?? "";
  let data: string | null = null;
  const parenthesised = /^\s*\(([^)]*)\)(.*)$/.exec(tail);
  if (parenthesised) {
    data = parenthesised[1] ?? "";
    tail = parenthesised[2] ?? "";
  }
  const fields: Record<string, string> = {};
  for (const match of tail.matchAll(/(\w+)=(\S*)/g)) fields[match[1] ?? ""] = match[2] ?? "";
  return { kind: "success", result: result[1] ?? "", data, fields };
}

/** The agi_* environment block Asterisk sends first, one "agi_key: value" per line. */
export function parseAgiEnvironmentLine(line: string): [string, string] | null {
  const match = /^(agi_\w+):\s?(.*)$/.exec(line);
  return match ? [match[1] ?? "", match[2] ?? ""] : null;
}
