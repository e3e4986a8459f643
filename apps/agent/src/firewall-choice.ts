// The real backend factory: the agent's --backend choice (or host detection for "auto",
// reported with its reason) to one of ./firewall's backends, optionally inside a netns.
import { CommandRunner, installedBackends as installedHere, selectBackend } from "./firewall/index.ts";
import { ConntrackCutFlowCounter } from "./firewall/cut-flow-counter.ts";
import type { BackendFactory, CutFlowCounterFactory, InstalledBackends } from "./commands/backend-choice.ts";

export const createBackend: BackendFactory = async (request) => {
  const runner = new CommandRunner(request.netns ? { netns: request.netns } : {});
  const { backend } = await selectBackend(request.choice, { runner, logger: request.logger });
  return backend;
};

/** conntrack-tools in the same namespace as the firewall; a dry run cuts nothing. */
export const createCutFlowCounter: CutFlowCounterFactory = (request) =>
  request.backend === "dry-run" ? null : new ConntrackCutFlowCounter(new CommandRunner(request.netns ? { netns: request.netns } : {}));

export const installedBackends: InstalledBackends = (request) => installedHere(new CommandRunner(request.netns ? { netns: request.netns } : {}));
