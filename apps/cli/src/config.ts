// Where the CLI talks to and as whom: --url / GATEHOUSE_URL / the stored login, and
// GATEHOUSE_TOKEN / the stored login. The environment is read here and nowhere else.
import { CliError, EXIT_UNREACHABLE } from "./errors.ts";
import { credentialsPath, readCredentials, type StoredCredentials } from "./credentials.ts";

export interface CliConfig {
  /** Base URL of the control plane, without a trailing slash. */
  url: string | undefined;
  token: string | undefined;
  credentialsPath: string;
  stored: StoredCredentials | undefined;
  /** True when GATEHOUSE_TOKEN is set (logout cannot remove it). */
  tokenFromEnv: boolean;
}

export function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw new CliError(`${raw} is not a URL (expected e.g. https://gatehouse.example.net)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CliError(`${raw}: the control plane URL must start with http:// or https://`);
  }
  return url.toString().replace(/\/+$/, "");
}

export async function loadConfig(env: NodeJS.ProcessEnv, urlOption?: string): Promise<CliConfig> {
  const path = credentialsPath(env);
  const stored = await readCredentials(path);
  const explicitUrl = urlOption || env.GATEHOUSE_URL;
  const url = explicitUrl ? normaliseUrl(explicitUrl) : stored?.url;
  const envToken = env.GATEHOUSE_TOKEN?.trim();
  // A stored token is only ever sent to the control plane it was issued by.
  const storedToken = stored && stored.url === url ? stored.token : undefined;
  return { url, token: envToken || storedToken, credentialsPath: path, stored, tokenFromEnv: Boolean(envToken) };
}

export function requireUrl(config: CliConfig): string {
  if (!config.url) {
    throw new CliError("no control plane configured: set GATEHOUSE_URL (e.g. https://gatehouse.example.net) or run `gatehouse login --url URL`", EXIT_UNREACHABLE);
  }
  return config.url;
}

export function requireToken(config: CliConfig): string {
  if (!config.token) {
    const hint = config.stored && config.stored.url !== config.url
      ? ` (the stored login is for ${config.stored.url})`
      : "";
    throw new CliError(`not signed in to ${config.url}${hint}: set GATEHOUSE_TOKEN or run \`gatehouse login\``);
  }
  return config.token;
}
