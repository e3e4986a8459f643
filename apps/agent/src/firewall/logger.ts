// The slice of the agent's pino logger the backends use; a pino Logger fits as it is.

export interface FirewallLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const silentLogger: FirewallLogger = {
  info: () => undefined,
  warn: () => undefined,
};
