// What another package needs to run a control plane inside its own process (the web console's
// and the CLI's tests): package export "@gatehouse/control-plane/server".
export { loadEnv, type Env } from "./env.ts";
export { PRODUCTION_EXTENSIONS } from "./extensions.ts";
export { startControlPlane, type ControlPlane, type StartOptions } from "./server.ts";
