// `gatehouse remove ENTRY-ID|SOURCE` (Travelin' Man 3's `del-acct`). A source may be allowed in
// several scopes; the scope flags say which, and an ambiguous removal is refused with the
// candidates listed rather than guessed.
import type { Command } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { loadDirectory, scopeLabel } from "../directory.ts";
import { ambiguous, findEntries, noMatch } from "../entry-lookup.ts";
import { servicesText, shortId, type Entry } from "../entry-table.ts";
import { addScopeOptions, type ScopeFlags } from "../scope.ts";

interface RemoveOptions extends ScopeFlags {
  all?: boolean;
}

async function remove(ctx: CommandContext, what: string, options: RemoveOptions): Promise<void> {
  const api = ctx.api();
  const matches = await findEntries(api, what, options);
  if (matches.length === 0) throw noMatch(what, options);
  if (matches.length > 1 && !options.all) throw await ambiguous(api, what, matches as Entry[], "add --server/--tenant/--group/--fleet, give the entry id, or --all");
  const directory = await loadDirectory(api);
  const removed: Entry[] = [];
  for (const match of matches) removed.push(await api.entries.remove.mutate({ entryId: match.id }));
  ctx.out.result(
    removed,
    removed.map((e) => `Removed ${e.source} (${servicesText(e.services)}) from ${scopeLabel(e, directory)} (entry ${shortId(e.id)}).`).join("\n"),
  );
}

export function registerRemoveCommands(program: Command): void {
  for (const name of ["remove", "del-acct"]) {
    const command = program
      .command(`${name} <entry>`)
      .description(
        name === "remove"
          ? "remove an allow entry, by id (or its first 8 characters) or by source"
          : "remove an allow entry (Travelin' Man 3's del-acct; same as `remove`)",
      )
      .option("--all", "remove every entry the source matches");
    addScopeOptions(command, "the entry on");
    command
      .addHelpText("after", `\nExamples:\n  gatehouse ${name} 198.51.100.7 --server pbx1\n  gatehouse ${name} 3f2a9c1e`)
      .action(withContext(remove));
  }
}
