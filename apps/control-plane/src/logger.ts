// Structured logs (pino). Secrets never reach a log line: the paths below are censored wherever
// they occur in a logged object, and the code never logs request bodies in the first place.
import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger } from "pino";

/** Field names that may carry a secret, at any of the first levels of a logged object. */
const SECRET_FIELDS = ["password", "pin", "token", "secret", "credential", "authorization", "cookie", "enrollmentToken", "sessionToken"];

const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_FIELDS.map((field) => `*.*.${field}`),
];

export function createLogger(level: LevelWithSilent, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: "control-plane" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
