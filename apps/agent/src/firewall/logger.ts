// The firewall's parts log through the agent's one pino logger (createAgentLogger); the type is
// pino's, as in the control plane. silentLogger stands in where a caller gives none.
import { pino, type Logger } from "pino";

export type FirewallLogger = Logger;

export const silentLogger: FirewallLogger = pino({ level: "silent" });
