// The agent's environment, parsed once in main (tests pass values instead).
import { z } from "zod";
import { DEFAULT_STATE_DIR } from "./state/state-dir.ts";

const agentEnvSchema = z.object({
  GATEHOUSE_STATE_DIR: z.string().min(1).default(DEFAULT_STATE_DIR),
  GATEHOUSE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type AgentEnv = z.infer<typeof agentEnvSchema>;

export function loadEnv(source: Record<string, string | undefined>): AgentEnv {
  return agentEnvSchema.parse(source);
}
