// What every command action gets: the printer (table or --json), the configuration, and a
// signed-in API client built on first use (so `--help` and `logout` never need a server).
import type { Command } from "commander";
import { createApi, trpcEndpoint, type Api } from "./api.ts";
import { loadConfig, requireToken, requireUrl, type CliConfig } from "./config.ts";
import { createPrinter, type Printer } from "./output.ts";

export interface CommandContext {
  out: Printer;
  config: CliConfig;
  /** A client authenticated with the configured token; throws a clear error if there is none. */
  api(): Api;
  /** A client for `baseUrl` without (or with an explicit) token: login. */
  anonymousApi(baseUrl: string, token?: string): Api;
}

interface GlobalOptions {
  json?: boolean;
  url?: string;
}

/** Where the current command is talking to, for "cannot reach ..." messages. */
export const endpointInUse = { value: "the control plane" };

async function createContext(command: Command): Promise<CommandContext> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const config = await loadConfig(process.env, globals.url);
  if (config.url) endpointInUse.value = trpcEndpoint(config.url);
  let client: Api | undefined;
  return {
    out: createPrinter(Boolean(globals.json)),
    config,
    api() {
      const url = requireUrl(config);
      client ??= createApi(url, requireToken(config));
      return client;
    },
    anonymousApi(baseUrl, token) {
      endpointInUse.value = trpcEndpoint(baseUrl);
      return createApi(baseUrl, token);
    },
  };
}

/**
 * Wraps a command action: commander passes (...arguments, options, command); we hand the
 * action its context first.
 */
export function withContext<Args extends unknown[]>(
  action: (ctx: CommandContext, ...args: Args) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const ctx = await createContext(command);
    await action(ctx, ...(args.slice(0, -1) as Args));
  };
}
