// The real `gatehouse-agent` binary, for tests that run it as a process (namespace e2e suites).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const AGENT_BIN = fileURLToPath(new URL("../bin/gatehouse-agent.mjs", import.meta.url));

/** Runs the agent CLI to completion; resolves with its exit code and output. */
export function runAgentCommand(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [AGENT_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GATEHOUSE_LOG_LEVEL: "warn" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}
