// Runs the firewall tools: an argument array (never a shell), the ruleset on stdin, stderr kept
// for the error. Constructed with a network namespace, it runs everything through
// `ip netns exec <ns>`: that is how tests drive a real backend without touching the host.
import { spawn } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin (a ruleset), then closed. */
  input?: string;
}

export interface CommandRunnerOptions {
  /** Run every command inside this network namespace. */
  netns?: string;
  /** Kill a command that takes longer (default 120 s). */
  timeoutMs?: number;
  /** Environment for the commands (default: the agent's). Tests use it to put other binaries first on PATH. */
  env?: NodeJS.ProcessEnv;
}

/** Enough of a tool's complaint to act on, without pasting back a 100k-line ruleset. */
const STDERR_LIMIT = 2_000;

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    cause?: string,
  ) {
    const detail = (cause ?? stderr.trim()).slice(0, STDERR_LIMIT);
    super(`${[command, ...args].join(" ")} failed${exitCode === null ? "" : ` (exit ${exitCode})`}: ${detail || "no message"}`);
    this.name = "CommandError";
  }
}

export class CommandRunner {
  constructor(readonly options: CommandRunnerOptions = {}) {}

  /** Where commands run, for logs and reports. */
  get where(): string {
    return this.options.netns ? `network namespace ${this.options.netns}` : "the host";
  }

  async run(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
    const netns = this.options.netns;
    const [file, argv] = netns ? ["ip", ["netns", "exec", netns, command, ...args]] : [command, args];
    return new Promise((resolve, reject) => {
      const child = spawn(file, argv, { stdio: ["pipe", "pipe", "pipe"], env: this.options.env ?? process.env });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let failure: string | undefined;
      const timer = setTimeout(() => {
        failure = `timed out after ${this.options.timeoutMs ?? 120_000} ms`;
        child.kill("SIGKILL");
      }, this.options.timeoutMs ?? 120_000);
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      // A tool that exits before reading all of stdin reports its own error; EPIPE adds nothing.
      child.stdin.on("error", () => undefined);
      child.on("error", (error) => {
        failure = error.message;
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        const result = { stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") };
        if (code === 0 && failure === undefined) resolve(result);
        else reject(new CommandError(command, args, code, result.stderr, failure));
      });
      child.stdin.end(options.input ?? "");
    });
  }

  /** Runs and reports success instead of throwing (for best-effort cleanup and probes). */
  async succeeds(command: string, args: string[], options: RunOptions = {}): Promise<boolean> {
    return this.run(command, args, options).then(
      () => true,
      () => false,
    );
  }
}
