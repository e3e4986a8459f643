// A scope written as one word, for options that name a second scope beside the scope flags
// (`allow edit 198.51.100.7 --server pbx1 --to tenant:acme`): server:NAME, tenant:NAME,
// group:TENANT:GROUP or fleet.
import type { Api } from "./api.ts";
import { CliError } from "./errors.ts";
import { resolveScope, type ResolvedScope, type ScopeFlags } from "./scope.ts";

/** The scope flags `text` stands for; a usage error (before any call) when it is none. */
export function scopeFlagsOf(text: string): ScopeFlags {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === "fleet") return { fleet: true };
  const colon = trimmed.indexOf(":");
  const kind = colon > 0 ? trimmed.slice(0, colon).toLowerCase() : "";
  const name = trimmed.slice(colon + 1);
  if (name !== "" && kind === "server") return { server: name };
  if (name !== "" && kind === "tenant") return { tenant: name };
  if (name !== "" && kind === "group") return { group: name };
  throw new CliError(`--to ${text}: expected server:NAME, tenant:NAME, group:TENANT:GROUP or fleet`);
}

export async function resolveScopeTarget(api: Api, flags: ScopeFlags): Promise<ResolvedScope> {
  return (await resolveScope(api, flags, true))!;
}
