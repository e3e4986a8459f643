// The extensions the production control plane starts with (main.ts). A part that serves HTTP
// routes or WebSocket upgrades on the control plane's port adds its factory here; see
// extension.ts for the contract and the routing order.
import { alertsExtension } from "./alerts/extension.ts";
import type { ControlPlaneExtension } from "./extension.ts";
import { agentHubExtension } from "./hub/agent-hub-extension.ts";
import { travelersExtension } from "./travelers/extension.ts";

export const PRODUCTION_EXTENSIONS: readonly ControlPlaneExtension[] = [agentHubExtension(), travelersExtension(), alertsExtension()];
