// `gatehouse login` / `logout` / `whoami` / `password`. Login signs in with email + password,
// then trades the short session for a named API token (revocable on its own, listed in the
// console) and ends the session: only the API token is kept on disk. `password` changes one's
// own password, asked without echo (or read from stdin), never taken as an argument.
import { hostname } from "node:os";
import { TRPCClientError } from "@trpc/client";
import type { Command } from "commander";
import { normaliseUrl, requireUrl } from "../config.ts";
import { withContext, type CommandContext } from "../context.ts";
import { writeCredentials, deleteCredentials, type StoredCredentials } from "../credentials.ts";
import { CliError } from "../errors.ts";
import { askLine, askPassword, readStdin } from "../prompt.ts";

interface LoginOptions {
  email?: string;
  passwordStdin?: boolean;
  tokenName?: string;
}

async function login(ctx: CommandContext, options: LoginOptions): Promise<void> {
  const url = normaliseUrl(requireUrl(ctx.config));
  const email = options.email ?? (await askLine("Email: "));
  const password = options.passwordStdin ? await readStdin() : await askPassword();
  if (!email || !password) throw new CliError("email and password are both needed to sign in");

  const session = await ctx.anonymousApi(url).auth.login.mutate({ email, password });
  const signedIn = ctx.anonymousApi(url, session.token);
  const tokenName = options.tokenName ?? `gatehouse CLI on ${hostname()}`;
  const created = await signedIn.apiTokens.create.mutate({ name: tokenName });
  const credentials: StoredCredentials = {
    url,
    token: created.token,
    tokenId: created.id,
    kind: "api-token",
    email,
    createdAt: new Date().toISOString(),
  };
  await writeCredentials(ctx.config.credentialsPath, credentials);
  // The session is no longer needed; failing to end it early only leaves it to expire.
  await signedIn.auth.logout.mutate().catch(() => undefined);

  ctx.out.result(
    { url, email, tokenId: created.id, tokenName, credentialsPath: ctx.config.credentialsPath },
    `Signed in to ${url} as ${email}.\nAPI token "${tokenName}" stored in ${ctx.config.credentialsPath} (readable by you only).`,
  );
}

async function logout(ctx: CommandContext): Promise<void> {
  const stored = ctx.config.stored;
  let revoked = false;
  if (stored?.tokenId) {
    // Revoke on the server first, so a copied credentials file is useless too.
    const api = ctx.anonymousApi(stored.url, stored.token);
    try {
      await api.apiTokens.revoke.mutate({ tokenId: stored.tokenId });
      revoked = true;
    } catch {
      // Already revoked or the server is away: forgetting it locally still signs out here.
    }
  }
  const removed = await deleteCredentials(ctx.config.credentialsPath);
  const envNote = ctx.config.tokenFromEnv ? "\nGATEHOUSE_TOKEN is still set in your environment." : "";
  const human = removed
    ? `Signed out of ${stored?.url ?? "the control plane"}${revoked ? " (API token revoked)" : ""}.${envNote}`
    : `No stored login to remove.${envNote}`;
  ctx.out.result({ removed, revoked, tokenFromEnv: ctx.config.tokenFromEnv }, human);
}

async function whoami(ctx: CommandContext): Promise<void> {
  const me = await ctx.api().auth.me.query();
  if (me === null) throw new CliError(`the token is not accepted by ${ctx.config.url}: run \`gatehouse login\``);
  ctx.out.result(me, `${me.email} (${me.role}${me.tenantName ? `, tenant ${me.tenantName}` : ""}) on ${ctx.config.url}`);
}

/** Current and new password: asked twice without echo, or two lines of stdin (current, new). */
async function passwordsToChange(fromStdin: boolean | undefined): Promise<{ currentPassword: string; newPassword: string }> {
  if (fromStdin) {
    const [currentPassword = "", newPassword = ""] = (await readStdin()).split(/\r?\n/);
    if (!currentPassword || !newPassword) throw new CliError("--password-stdin: give the current password on the first line and the new one on the second");
    return { currentPassword, newPassword };
  }
  const currentPassword = await askPassword("Current password: ");
  const newPassword = await askPassword("New password: ");
  if ((await askPassword("New password again: ")) !== newPassword) throw new CliError("the two new passwords differ; nothing was changed");
  return { currentPassword, newPassword };
}

async function changePassword(ctx: CommandContext, options: { passwordStdin?: boolean }): Promise<void> {
  const api = ctx.api();
  const passwords = await passwordsToChange(options.passwordStdin);
  // The API answers a wrong current password as UNAUTHORIZED, which would read as "not signed in".
  const result = await api.auth.changePassword.mutate(passwords).catch((error: unknown) => {
    if (error instanceof TRPCClientError && (error.data as { field?: unknown } | undefined)?.field === "currentPassword") throw new CliError(error.message);
    throw error;
  });
  ctx.out.result(result, "Password changed. Your sign-in sessions (the console's too) have ended; API tokens keep working.");
}

export function registerAuthCommands(program: Command): void {
  program
    .command("login")
    .description("sign in with email and password; stores an API token in ~/.config/gatehouse/credentials.json")
    .option("--email <email>", "operator email (asked if omitted)")
    .option("--password-stdin", "read the password from standard input (for scripts)")
    .option("--token-name <name>", "name of the API token to create (default: gatehouse CLI on HOST)")
    .addHelpText("after", "\nThe control plane is --url, else $GATEHOUSE_URL.\nExample:\n  gatehouse login --url https://gatehouse.example.net --email ops@example.net")
    .action(withContext(login));

  program
    .command("logout")
    .description("revoke the stored API token and forget it")
    .action(withContext(logout));

  program
    .command("whoami")
    .description("show who the configured token signs in as")
    .action(withContext(whoami));

  program
    .command("password")
    .description("change your own password (asked without echo)")
    .option("--password-stdin", "read the current password, then the new one, as two lines of standard input")
    .action(withContext(changePassword));
}
