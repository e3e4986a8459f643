// The real backend factory: the agent's --backend choice (or host detection for "auto",
// reported with its reason) to one of ./firewall's backends, optionally inside a netns.
import { CommandRunner, selectBackend } from "./firewall/index.ts";
import { ConntrackFlowCutter } from "./firewall/flow-cutter.ts";
import type { BackendFactory, FlowCutterFactory } from "./commands/backend-choice.ts";

export const createBackend: BackendFactory = async (request) => {
  const runner = new CommandRunner(request.netns ? { netns: request.netns } : {});
  const { backend } = await selectBackend(request.choice, { runner, logger: request.logger });
  return backend;
};

/** conntrack-tools in the same namespace as the firewall; a dry run cuts nothing. */
export const createFlowCutter: FlowCutterFactory = (request) =>
  request.backend === "dry-run" ? null : new ConntrackFlowCutter(new CommandRunner(request.netns ? { netns: request.netns } : {}));
