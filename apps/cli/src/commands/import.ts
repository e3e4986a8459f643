// `gatehouse import FILE|- --server/--tenant/--group/--fleet [--dry-run] [--valid-only]`: many
// allow entries at once, one a line as `source, services, comment, expiry` (a CSV file, or
// lines on stdin). --dry-run shows what each line would do and writes nothing; otherwise the
// control plane writes the whole file in one transaction, or nothing when a line is bad (unless
// --valid-only).
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { IMPORT_MAX_CHARACTERS } from "@gatehouse/core";
import type { ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { servicesText } from "../entry-table.ts";
import { CliError } from "../errors.ts";
import { shortTime, type Column } from "../output.ts";
import { addScopeOptions, resolveScope, type ScopeFlags } from "../scope.ts";

interface ImportOptions extends ScopeFlags {
  dryRun?: boolean;
  validOnly?: boolean;
}

type PreviewLine = ApiOutputs["entries"]["importPreview"]["lines"][number];

const LINE_COLUMNS: Column<PreviewLine>[] = [
  { header: "line", value: (l) => l.line },
  { header: "result", value: (l) => (l.ok ? "ok" : "refused") },
  { header: "source", value: (l) => l.source ?? l.text },
  { header: "services", value: (l) => (l.ok ? servicesText(l.services) : "") },
  { header: "expires", value: (l) => (l.ok ? (l.expiresAt ? shortTime(l.expiresAt) : "never") : "") },
  { header: "comment / why not", value: (l) => (l.ok ? l.comment : l.message) },
];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function readInput(file: string): Promise<string> {
  let text: string;
  try {
    text = file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message}`);
  }
  if (text.length > IMPORT_MAX_CHARACTERS) throw new CliError(`${file} is ${text.length} characters; an import is at most ${IMPORT_MAX_CHARACTERS}: split it`);
  return text;
}

async function importFile(ctx: CommandContext, file: string, options: ImportOptions): Promise<void> {
  if (options.dryRun && options.validOnly) throw new CliError("choose --dry-run or --valid-only, not both");
  const text = await readInput(file);
  const api = ctx.api();
  const scope = (await resolveScope(api, options, true))!;
  if (options.dryRun) {
    const preview = await api.entries.importPreview.mutate({ text, scope: scope.target });
    if (ctx.out.json) ctx.out.data(preview);
    else ctx.out.table(preview.lines, LINE_COLUMNS, "Nothing to import.");
    const bad = preview.lines.length - preview.valid;
    // A refused line fails the dry run as it would fail the import: scripts check the exit code.
    if (bad > 0) throw new CliError(`dry run on ${scope.label}: ${bad} of ${preview.lines.length} lines would be refused (see above); nothing was written`);
    ctx.out.line(`Dry run on ${scope.label}: all ${preview.lines.length} lines would be imported; nothing was written.`);
    return;
  }
  const result = await api.entries.import.mutate({ text, scope: scope.target, validLinesOnly: Boolean(options.validOnly) });
  if (ctx.out.json) ctx.out.data(result);
  else if (result.skipped > 0) ctx.out.table(result.lines.filter((l) => !l.ok), LINE_COLUMNS, "");
  ctx.out.line(`Imported ${result.entries.length} entr${result.entries.length === 1 ? "y" : "ies"} on ${scope.label}${result.skipped ? `; skipped ${result.skipped} refused line${result.skipped === 1 ? "" : "s"}` : ""}.`);
}

export function registerImportCommand(program: Command): void {
  const command = program
    .command("import <file>")
    .description("allow many sources at once from a CSV file or stdin (-): source, services, comment, expiry per line")
    .option("--dry-run", "show what each line would do; write nothing")
    .option("--valid-only", "import the valid lines and skip the refused ones (default: one bad line refuses all)");
  addScopeOptions(command, "allow on");
  command
    .addHelpText(
      "after",
      "\nLines: SOURCE, SERVICES, COMMENT, EXPIRY (services space-separated or quoted \"sip,rtp\"; expiry 30m, 12h, 7d, 2w, an ISO date or empty)." +
        "\nExamples:\n  gatehouse import trunks.csv --tenant acme --dry-run\n  printf '198.51.100.7, sip rtp, Bob, 7d\\n' | gatehouse import - --server pbx1",
    )
    .action(withContext(importFile));
}
