// The real backend factory: the agent's --backend choice (or host detection for "auto",
// reported with its reason) to one of ./firewall's backends, optionally inside a netns.
import { CommandRunner, selectBackend } from "./firewall/index.ts";
import type { BackendFactory } from "./commands/backend-choice.ts";

export const createBackend: BackendFactory = async (request) => {
  const runner = new CommandRunner(request.netns ? { netns: request.netns } : {});
  const { backend } = await selectBackend(request.choice, { runner, logger: request.logger });
  return backend;
};
