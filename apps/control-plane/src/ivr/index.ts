export {
  startFastAgiServer,
  FASTAGI_DEFAULTS,
  TRAVELER_AGI_SCRIPT,
  type FastAgiServer,
  type FastAgiServerOptions,
  type FastAgiServices,
  type FastAgiRefusal,
  type AgiRefusalReason,
} from "./fastagi-server.ts";
export type { TravelerIvrServices, IvrCallSummary } from "./traveler-call.ts";
