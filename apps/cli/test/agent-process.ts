// The real agent (`gatehouse-agent`, from the workspace) for end-to-end stories: enroll it with
// the command `gatehouse servers add` printed, then run it with the dry-run firewall backend,
// which enforces nothing on this machine but reports like any other.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runGatehouse, type RunResult } from "./run-gatehouse.ts";
import { temporaryDir } from "./temporary-dirs.ts";

const AGENT_BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "agent", "bin", "gatehouse-agent.mjs");

/** A UDP port that was free a moment ago (bound and released by a short-lived process). */
function closedUdpPort(): number {
  const script = "const s=require('dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim());
}

export class AgentOnTestHost {
  readonly stateDir = temporaryDir("agent");
  private process: ChildProcess | null = null;

  private get env(): Record<string, string> {
    return { GATEHOUSE_STATE_DIR: this.stateDir, GATEHOUSE_LOG_LEVEL: "silent" };
  }

  /** Runs a printed `gatehouse-agent ...` command line, split on spaces (never through a shell). */
  runPrinted(commandLine: string): Promise<RunResult> {
    const [program, ...args] = commandLine.trim().split(/\s+/);
    if (program !== "gatehouse-agent") throw new Error(`not an agent command: ${commandLine}`);
    return runGatehouse(args, { bin: AGENT_BIN, env: this.env });
  }

  /**
   * Starts `gatehouse-agent run`. Its DNS server is a local port nobody listens on, so every
   * host name fails to resolve at once, whatever this machine's resolver would do.
   */
  start(): void {
    const args = ["run", "--backend", "dry-run", "--dns-server", `127.0.0.1:${closedUdpPort()}`];
    this.process = spawn(process.execPath, [AGENT_BIN, ...args], {
      env: { ...process.env, ...this.env },
      stdio: "ignore",
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}
