// The operator sessions the docs show: the ```console blocks of a Markdown file, read as
// commands (`$ gatehouse ...`) and what each printed. A shown output line is a pattern: ids,
// tokens, checksums, times and the example URL stand for whatever the real run printed, runs
// of spaces for a table's padding, and a line `...` for lines left out.
export interface DocCommand {
  /** The arguments after `gatehouse`, split as a shell would (quotes kept together). */
  args: string[];
  /** The command as written, for failure messages. */
  text: string;
  /** The output lines shown under it (`...` lines left out). */
  shown: string[];
}

/** The URL the examples use for the control plane. */
export const DOC_URL = "https://gatehouse.example.net";

function shellWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

function consoleBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```console\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
}

export function docCommands(markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const block of consoleBlocks(markdown)) {
    for (const line of block.split("\n")) {
      if (line.startsWith("$ ")) {
        const text = line.slice(2);
        const [program, ...args] = shellWords(text);
        if (program !== "gatehouse") throw new Error(`a console block runs only gatehouse commands: ${line}`);
        commands.push({ args, text, shown: [] });
      } else if (line.trim() !== "" && line.trim() !== "..." && commands.length > 0) {
        commands.at(-1)!.shown.push(line);
      }
    }
  }
  return commands;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Volatile values, longest first so a token is not read as an id.
const VOLATILE: [RegExp, string][] = [
  [/\b[0-9a-f]{64}\b/g, "[0-9a-f]{64}"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "[0-9a-f-]{36}"],
  [/\bgh_[A-Za-z0-9_-]{43}(?=\s|$)/g, "gh_[A-Za-z0-9_-]{43}"],
  [/(?<=state )[0-9a-f]{12}\b/g, "[0-9a-f]{12}"],
  [/(?<=^|\s)gh_[A-Za-z0-9_-]{6}(?=\s)/g, "gh_[A-Za-z0-9_-]{6}"],
  [/(?<=--token )[A-Za-z0-9_-]{43}/g, "[A-Za-z0-9_-]{43}"],
  [/\b\d{4}-\d\d-\d\d \d\d:\d\dZ/g, "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ"],
  [/\b\d+[smhd] ago\b/g, "\\d+[smhd] ago"],
  [/(?<=\(entry )[0-9a-f]{8}(?=\))/g, "[0-9a-f]{8}"],
  [/(?<=^|\s)[0-9a-f]{8}(?=\s)/g, "[0-9a-f]{8}"],
  [/\/home\/ops\/\S+/g, "\\S+"],
  [/"gatehouse CLI on [^"]+"/g, '"gatehouse CLI on [^"]+"'],
];

/** The shown line as a pattern for one printed line. */
function linePattern(shown: string, url: string): RegExp {
  const placeholders: string[] = [];
  let text = shown.trim();
  for (const [pattern, replacement] of VOLATILE) {
    text = text.replace(pattern, () => `\uE000${placeholders.push(replacement) - 1}\uE000`);
  }
  const source = escape(text.replaceAll(DOC_URL, url))
    .replace(/\s+/g, "\\s+")
    .replace(/\uE000(\d+)\uE000/g, (_, index: string) => placeholders[Number(index)]!);
  return new RegExp(`^${source}$`);
}

/** The first shown line not printed, in order (printed lines may come between); null if all were. */
export function firstMissing(shown: readonly string[], printed: string, url: string): string | null {
  const lines = printed.split("\n").map((line) => line.trim());
  let at = 0;
  for (const line of shown) {
    const pattern = linePattern(line, url);
    while (at < lines.length && !pattern.test(lines[at]!)) at++;
    if (at === lines.length) return line;
    at++;
  }
  return null;
}
