// The control plane as `pnpm start` runs it: src/main.ts in its own Node process (through tsx),
// with only the environment a test gives it. For what only the process does: its umask, its
// start-up checks before anything is touched, its exit code and what it prints.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
/** tsx's loader, as `pnpm start` runs main.ts. */
const TSX = createRequire(import.meta.url).resolve("tsx");

export interface ControlPlaneProcess {
  /** Everything printed so far (stdout: pino's JSON lines and the listening line). */
  stdout(): string;
  stderr(): string;
  /** The JSON log lines printed so far. */
  logLines(): Array<Record<string, unknown>>;
  /** Resolves with the base URL once it listens; rejects if the process exits first. */
  listening(): Promise<string>;
  /** Resolves with the exit code. */
  exited(): Promise<number>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
  /** SIGKILL (a crash, an OOM kill): nothing runs on the way out. */
  kill(): Promise<number>;
  /** SIGSTOP / SIGCONT: the process is frozen (a long GC pause, a stalled VM) and runs on. */
  freeze(): void;
  thaw(): void;
}

/** Starts main.ts with `env` only (plus PATH): never the test runner's DATABASE_URL or the like. */
export function spawnControlPlane(env: Record<string, string>): ControlPlaneProcess {
  const child: ChildProcess = spawn(process.execPath, ["--import", TSX, MAIN], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));

  const listening = async (): Promise<string> => {
    for (;;) {
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) return url;
      const done = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 50))]);
      if (done !== null) throw new Error(`the control plane exited (${done}) before listening:\n${stderr}`);
    }
  };
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    logLines: () => stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>),
    listening,
    exited: () => exited,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
    kill: async () => {
      child.kill("SIGKILL");
      return exited;
    },
    freeze: () => child.kill("SIGSTOP"),
    thaw: () => child.kill("SIGCONT"),
  };
}
