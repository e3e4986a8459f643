// `gatehouse tokens list|create|revoke`: the caller's own API tokens, for scripts and CI
// (GATEHOUSE_TOKEN). A new token's secret is printed this once; only its SHA-256 is stored.
import type { Command } from "commander";
import { followPages } from "@gatehouse/core";
import type { Api, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { parseExpiry } from "../expiry.ts";
import { ago, shortTime } from "../output.ts";
import { looksLikeId } from "../resolve.ts";

type TokenRow = ApiOutputs["apiTokens"]["list"]["tokens"][number];

const allTokens = async (api: Api) => (await followPages((cursor) => api.apiTokens.list.query({ cursor }), (page) => page.tokens)).rows;

function tokenState(token: TokenRow, now = Date.now()): string {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return "expired";
  return "active";
}

async function listTokens(ctx: CommandContext): Promise<void> {
  const tokens = await allTokens(ctx.api());
  ctx.out.table(tokens, [
    { header: "name", value: (t) => t.name },
    { header: "starts with", value: (t) => t.prefix },
    { header: "state", value: (t) => tokenState(t) },
    { header: "created", value: (t) => shortTime(t.createdAt) },
    { header: "last used", value: (t) => (t.lastUsedAt ? ago(t.lastUsedAt) : "never") },
    { header: "expires", value: (t) => (t.expiresAt ? shortTime(t.expiresAt) : "never") },
    { header: "id", value: (t) => t.id },
  ], "No API tokens yet: create one with `gatehouse tokens create NAME`.");
}

async function createToken(ctx: CommandContext, name: string, options: { expires?: string }): Promise<void> {
  const expiresAt = options.expires === undefined ? undefined : parseExpiry(options.expires).toISOString();
  const created = await ctx.api().apiTokens.create.mutate({ name, ...(expiresAt ? { expiresAt } : {}) });
  const until = created.expiresAt ? `, until ${shortTime(created.expiresAt)}` : "";
  ctx.out.result(created, `API token "${created.name}" created (id ${created.id}${until}). Its secret, shown this once:\n${created.token}`);
}

/** By id, or by the name of exactly one active token. */
async function resolveToken(api: Api, key: string): Promise<TokenRow> {
  const tokens = await allTokens(api);
  if (looksLikeId(key)) {
    const byId = tokens.find((token) => token.id === key);
    if (byId) return byId;
  }
  const named = tokens.filter((token) => token.name === key && tokenState(token) === "active");
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new CliError(`${named.length} active API tokens are named "${key}": revoke one by its id (see \`gatehouse tokens list\`)`);
  throw new CliError(`no active API token named or with id ${key} (see \`gatehouse tokens list\`)`);
}

async function revokeToken(ctx: CommandContext, key: string): Promise<void> {
  const api = ctx.api();
  const token = await resolveToken(api, key);
  const revoked = await api.apiTokens.revoke.mutate({ tokenId: token.id });
  const own = ctx.config.stored?.tokenId === revoked.id ? " This was the token this CLI signs in with: run `gatehouse login` again." : "";
  ctx.out.result(revoked, `API token "${revoked.name}" revoked: whatever uses it is refused from now on.${own}`);
}

export function registerTokenCommands(program: Command): void {
  const tokens = program.command("tokens").description("your own API tokens for scripts and CI: list, create, revoke");
  tokens.command("list").description("list your API tokens").action(withContext(listTokens));
  tokens
    .command("create <name>")
    .description("create an API token acting as you; its secret is printed once")
    .option("--expires <when>", "a duration (30d, 2w) or a date (2026-12-31); default: until revoked")
    .addHelpText("after", "\nExample:\n  gatehouse tokens create \"nightly backup\" --expires 90d")
    .action(withContext(createToken));
  tokens.command("revoke <token>").description("revoke one of your API tokens, by id or name").action(withContext(revokeToken));
}
