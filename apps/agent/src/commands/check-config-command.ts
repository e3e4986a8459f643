// `gatehouse-agent check-config`: validates everything `run` needs before systemd starts it
// (ExecStartPre), so a typo never takes the agent down with the firewall half-managed.
import { loadAgentConfig, statePaths } from "../state/state-dir.ts";
import type { BackendChoice, BackendFactory } from "./backend-choice.ts";
import { readCa, type Output } from "./output.ts";
import type { Logger } from "pino";

export interface CheckConfigOptions {
  stateDir: string;
  backend: BackendChoice;
  ca?: string;
  netns?: string;
}

export async function checkConfigCommand(options: CheckConfigOptions, deps: { createBackend: BackendFactory; logger: Logger }, out: Output): Promise<void> {
  const config = await loadAgentConfig(statePaths(options.stateDir));
  if (options.ca) await readCa(options.ca);
  const backend = await deps.createBackend({ choice: options.backend, logger: deps.logger, ...(options.netns ? { netns: options.netns } : {}) });
  out.print(`ok: enrolled as server ${config.serverId} with ${new URL(config.url).origin}; backend ${backend.name}`);
}
