// The token `gatehouse login` keeps: ~/.config/gatehouse/credentials.json (or under
// $XDG_CONFIG_HOME), readable by its owner only. Written to a temporary file with mode 0600
// and renamed, so the secret never sits in a world-readable file, even for a moment.
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError } from "./errors.ts";

export interface StoredCredentials {
  /** The control plane the token belongs to; it is never sent anywhere else. */
  url: string;
  token: string;
  /** Id of the API token on the control plane (absent if a session token was stored). */
  tokenId?: string;
  kind: "api-token" | "session";
  email: string;
  createdAt: string;
}

export function credentialsPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "gatehouse", "credentials.json");
}

function isStoredCredentials(value: unknown): value is StoredCredentials {
  const v = value as Partial<StoredCredentials> | null;
  return typeof v?.url === "string" && typeof v.token === "string" && typeof v.email === "string";
}

export async function readCredentials(path: string): Promise<StoredCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON: delete it and run \`gatehouse login\` again`);
  }
  return isStoredCredentials(parsed) ? parsed : undefined;
}

export async function writeCredentials(path: string, credentials: StoredCredentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600); // the umask cannot widen it, but an existing file could
  await rename(temporary, path);
}

export async function deleteCredentials(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
