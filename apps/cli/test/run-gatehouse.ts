// Runs the real `gatehouse` binary as a subprocess, the way an operator's shell would,
// with its own HOME (so logins never touch the real ~/.config) and a chosen environment.
import { execFile, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { temporaryDir } from "./temporary-dirs.ts";

const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The workspace launcher (`pnpm --filter @gatehouse/cli exec gatehouse`), TypeScript via tsx. */
export const WORKSPACE_BIN = join(CLI_DIR, "bin", "gatehouse.mjs");

/**
 * Builds the single-file binary operators install (scripts/bundle.mjs) into a temporary
 * directory and returns its path. Tests run it: it is what ships, and it starts in a
 * fraction of the launcher's time.
 */
export async function buildGatehouseBundle(): Promise<string> {
  const outfile = join(temporaryDir("bundle"), "gatehouse.mjs");
  await promisify(execFile)(process.execPath, [join(CLI_DIR, "scripts", "bundle.mjs"), outfile]);
  return outfile;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** The binary to run: the bundle from buildGatehouseBundle(), or WORKSPACE_BIN (default). */
  bin?: string;
}

export function freshHome(): string {
  return temporaryDir("home");
}

export function runGatehouse(args: string[], options: RunOptions = {}): Promise<RunResult> {
  // Never inherit the developer's own control plane settings.
  const env: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_URL: undefined, GATEHOUSE_TOKEN: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  env.NO_COLOR = "1";
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? WORKSPACE_BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
