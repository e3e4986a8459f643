// `gatehouse-agent uninstall`: the ONLY way the agent's rules are removed. It removes Gatehouse's
// objects from every backend installed here (a host that once ran both keeps neither), and only
// Gatehouse's: its chains and table, and the sets its chains match, it recorded or it last
// applied — never another set that merely looks like one. It refuses while `run` is active (the
// running agent would put everything back and the next boot would restore nothing): stop the
// service first.
import { rm } from "node:fs/promises";
import type { Logger } from "pino";
import type { BackendName } from "../firewall/backend.ts";
import { loadAppliedRecord } from "../state/applied-record.ts";
import { acquireInstanceLock } from "@gatehouse/instance-lock";
import { statePaths } from "../state/state-dir.ts";
import type { BackendChoice, BackendFactory, InstalledBackends } from "../firewall/backend-choice.ts";
import { recordedResolvedState } from "./host-backend.ts";
import type { Output } from "./output.ts";

export interface UninstallOptions {
  stateDir: string;
  /** "dry-run" touches no firewall; anything else cleans every installed backend. */
  backend: BackendChoice;
  netns?: string;
  /** Also forget the enrollment (credential). */
  purge?: boolean;
}

export interface UninstallDeps {
  createBackend: BackendFactory;
  installedBackends: InstalledBackends;
  logger: Logger;
}

const RUNNING_AGENT_HINT =
  "the agent is running (it would put every rule back, and the next boot would restore nothing): stop it first with `systemctl disable --now gatehouse-agent`, then uninstall";

export async function uninstallCommand(options: UninstallOptions, deps: UninstallDeps, out: Output): Promise<void> {
  const paths = statePaths(options.stateDir);
  const lock = await acquireInstanceLock(paths.lock, RUNNING_AGENT_HINT);
  try {
    const where = options.netns ? { netns: options.netns } : {};
    const recorded = recordedResolvedState(await loadAppliedRecord(paths.applied));
    const names: BackendName[] = options.backend === "dry-run" ? ["dry-run"] : await deps.installedBackends(where);
    for (const name of names) {
      const backend = await deps.createBackend({ choice: name, logger: deps.logger, ...where });
      await backend.uninstall(recorded);
    }
    // Without the applied state a later `run` does not re-enforce old rules before it syncs.
    await rm(paths.applied, { force: true });
    await rm(paths.status, { force: true });
    if (options.purge) await rm(paths.config, { force: true });
    const from = names.length > 0 ? names.join(" and ") : "no firewall (none installed)";
    out.print(`removed every rule, chain and set Gatehouse owned from ${from}${options.purge ? ", and the enrollment" : ""}; other rules and sets were left alone`);
  } finally {
    await lock.release();
  }
}
