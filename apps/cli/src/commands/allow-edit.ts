// `gatehouse allow edit ENTRY [--services ...] [--comment ...] [--to SCOPE]`: changes an entry
// in place (the entries router's `update`). ENTRY is an id, its first characters, or a source
// with the scope flags saying which of its entries; --to moves it to another scope.
import type { Command } from "commander";
import { withContext, type CommandContext } from "../context.ts";
import { loadDirectory, scopeLabel } from "../directory.ts";
import { findOneEntry } from "../entry-lookup.ts";
import { servicesText, shortId } from "../entry-table.ts";
import { CliError } from "../errors.ts";
import { addScopeOptions, type ScopeFlags } from "../scope.ts";
import { resolveScopeTarget, scopeFlagsOf } from "../scope-target.ts";
import { parseServices } from "./allow.ts";

interface EditOptions extends ScopeFlags {
  services?: string;
  comment?: string;
  to?: string;
}

async function edit(ctx: CommandContext, what: string, options: EditOptions): Promise<void> {
  if (options.services === undefined && options.comment === undefined && options.to === undefined) {
    throw new CliError("say what to change: --services, --comment and/or --to");
  }
  const targetFlags = options.to === undefined ? undefined : scopeFlagsOf(options.to);
  const api = ctx.api();
  const entry = await findOneEntry(api, what, options);
  const target = targetFlags === undefined ? undefined : await resolveScopeTarget(api, targetFlags);
  const updated = await api.entries.update.mutate({ entryId: entry.id, services: parseServices(options.services), comment: options.comment, scope: target?.target });
  const directory = await loadDirectory(api);
  ctx.out.result(updated, `Changed ${updated.source}: ${servicesText(updated.services)} on ${scopeLabel(updated, directory)}${updated.comment ? ` ("${updated.comment}")` : ""} (entry ${shortId(updated.id)}).`);
}

/**
 * `allow` takes the same option names (and commander reads a parent's options wherever they
 * stand), so --services, --comment and the scope flags after `allow edit` arrive on `allow`.
 */
function optionsOf(self: Command, own: EditOptions): EditOptions {
  const defined = (options: object) => Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...defined(self.parent?.opts() ?? {}), ...defined(own) };
}

export function registerAllowEdit(allow: Command): void {
  const command = allow
    .command("edit <entry>")
    .description("change an entry's services, comment or scope (ENTRY: id, its first 8 characters, or a source)")
    .option("--services <ids>", "the entry's services from now on, e.g. sip,rtp")
    .option("--comment <text>", "the entry's comment from now on")
    .option("--to <scope>", "move it: server:NAME, tenant:NAME, group:TENANT:GROUP or fleet");
  addScopeOptions(command, "the entry on");
  command
    .addHelpText("after", "\nExamples:\n  gatehouse allow edit 198.51.100.7 --server pbx1 --services sip,rtp\n  gatehouse allow edit 3f2a9c1e --comment 'Bob, new router' --to tenant:acme")
    .action((what: string, own: EditOptions, self: Command) => withContext((ctx) => edit(ctx, what, optionsOf(self, own)))(self));
}
