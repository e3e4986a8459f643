// One pino logger for the agent, to stderr (journald picks it up). Credentials never reach
// it: redaction covers the places one could appear.
import { pino, type Logger, type LevelWithSilent } from "pino";

export function createAgentLogger(level: LevelWithSilent = "info"): Logger {
  return pino(
    {
      name: "gatehouse-agent",
      level,
      redact: { paths: ["credential", "*.credential", "token", "*.token", "headers.authorization", "*.headers.authorization"], censor: "[redacted]" },
    },
    // Synchronous: a firewall daemon must not lose the lines before a crash.
    pino.destination({ dest: 2, sync: true }),
  );
}
