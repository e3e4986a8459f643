// Runs the real `gatehouse` binary as a subprocess, the way an operator's shell would,
// with its own HOME (so logins never touch the real ~/.config) and a chosen environment;
// and reads what a script reads of it: JSON on success, one `gatehouse: ...` line on refusal.
import { execFile, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "vitest";
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

/** A script's environment: the control plane and an API token, a fresh HOME, no config dir. */
export function scriptEnv(url: string, token: string): Record<string, string | undefined> {
  return { HOME: freshHome(), XDG_CONFIG_HOME: undefined, GATEHOUSE_URL: url, GATEHOUSE_TOKEN: token };
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

/** A command that succeeded with JSON on stdout and nothing on stderr: the JSON. */
export function succeededJson<T>(result: RunResult): T {
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** A refusal: exit 1, nothing on stdout and exactly one `gatehouse: ...` line on stderr. */
export function expectRefused(result: RunResult, message: string | RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^gatehouse: [^\n]+\n$/);
  if (typeof message === "string") expect(result.stderr).toBe(`gatehouse: ${message}\n`);
  else expect(result.stderr).toMatch(message);
}
