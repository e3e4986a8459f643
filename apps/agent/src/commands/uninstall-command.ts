// `gatehouse-agent uninstall`: the ONLY way the agent's rules are removed.
import { rm } from "node:fs/promises";
import { statePaths } from "../state/state-dir.ts";
import type { BackendChoice, BackendFactory } from "./backend-choice.ts";
import type { Output } from "./output.ts";
import type { Logger } from "pino";

export interface UninstallOptions {
  stateDir: string;
  backend: BackendChoice;
  netns?: string;
  /** Also forget the enrollment (credential). */
  purge?: boolean;
}

export async function uninstallCommand(options: UninstallOptions, deps: { createBackend: BackendFactory; logger: Logger }, out: Output): Promise<void> {
  const backend = await deps.createBackend({ choice: options.backend, logger: deps.logger, ...(options.netns ? { netns: options.netns } : {}) });
  await backend.uninstall();
  const paths = statePaths(options.stateDir);
  // Without the applied state a later `run` does not re-enforce old rules before it syncs.
  await rm(paths.applied, { force: true });
  await rm(paths.status, { force: true });
  if (options.purge) await rm(paths.config, { force: true });
  out.print(`removed every ${backend.name} rule, chain and set Gatehouse owned${options.purge ? " and the enrollment" : ""}; other rules were left alone`);
}
