export {
  startFastAgiServer,
  FASTAGI_DEFAULTS,
  type FastAgiServer,
  type FastAgiServices,
} from "./fastagi-server.ts";
