/** Reported in hello and every report; bump with apps/agent/package.json. */
export const AGENT_VERSION = "0.1.0";
