// The real agent (`gatehouse-agent` from the workspace) on this test host, with the dry-run
// firewall backend: it enrolls with the command the console shows, connects out, and reports
// like any agent, without touching this machine's firewall.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const AGENT_BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "agent", "bin", "gatehouse-agent.mjs");

/** A UDP port nobody listens on, so every host name fails to resolve at once. */
function deadDnsPort(): number {
  const script = "const s=require('dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim());
}

export class AgentOnTestHost {
  private readonly stateDir = mkdtempSync(join(tmpdir(), "gatehouse-web-agent-"));
  private readonly env = { ...process.env, GATEHOUSE_STATE_DIR: this.stateDir, GATEHOUSE_LOG_LEVEL: "silent" };
  private child: ChildProcess | null = null;

  /** Runs the enrollment command as shown in the console, split on spaces (never a shell). */
  async enroll(commandLine: string): Promise<void> {
    const [program, ...args] = commandLine.trim().split(/\s+/);
    if (program !== "gatehouse-agent" || args[0] !== "enroll") throw new Error(`not an enrollment command: ${commandLine}`);
    await promisify(execFile)(process.execPath, [AGENT_BIN, ...args], { env: this.env });
  }

  start(): void {
    this.child = spawn(process.execPath, [AGENT_BIN, "run", "--backend", "dry-run", "--dns-server", `127.0.0.1:${deadDnsPort()}`], { env: this.env, stdio: "ignore" });
  }

  /** Stops the agent and removes its state directory. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
