// The agent's state directory (default /var/lib/gatehouse, root-only): the enrollment
// credential, the last applied state (enforced at boot) and the running agent's status.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { BackendName } from "../firewall/backend.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import { readControlPlaneUrls } from "./control-plane-urls.ts";

export const DEFAULT_STATE_DIR = "/var/lib/gatehouse";

export interface StatePaths {
  dir: string;
  /** {url, serverId, credential}: 0600. */
  config: string;
  /** The last confirmed applied state: enforced at boot before any network. */
  applied: string;
  /** Written by `run`, read by `status`. */
  status: string;
  /** A Unix socket `run` and `uninstall` listen on while they work: one of them at a time. */
  lock: string;
}

export function statePaths(dir: string): StatePaths {
  return { dir, config: join(dir, "agent.json"), applied: join(dir, "applied.json"), status: join(dir, "status.json"), lock: join(dir, "agent.sock") };
}

export const backendNameSchema = z.enum(["iptables", "nftables", "dry-run"]) satisfies z.ZodType<BackendName>;

export const agentConfigSchema = z.object({
  /** The control plane's base URL (http(s)://host[:port]), or several replicas' separated by commas; the hub is at /agent on each. */
  url: z.string().superRefine((text, ctx) => {
    const read = readControlPlaneUrls(text);
    if (!read.ok) ctx.addIssue({ code: "custom", message: read.problem });
  }),
  serverId: z.string().min(1),
  credential: z.string().min(32),
  /** The backend chosen at enrollment (--backend), until an applied state records the one in use. */
  backend: backendNameSchema.optional(),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export async function saveAgentConfig(paths: StatePaths, config: AgentConfig): Promise<void> {
  await writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`, 0o600);
}

/** The control-plane URLs of a validated enrollment, in the order given. */
export function controlPlaneUrls(config: AgentConfig): string[] {
  const read = readControlPlaneUrls(config.url);
  if (!read.ok) throw new ConfigError(`url: ${read.problem}`);
  return read.urls;
}

/** Reads and validates the enrollment; throws ConfigError saying what to do when missing. */
export async function loadAgentConfig(paths: StatePaths): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(paths.config, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ConfigError(`not enrolled: ${paths.config} does not exist (run \`gatehouse-agent enroll --url URL --token TOKEN\`)`);
    }
    throw new ConfigError(`cannot read ${paths.config}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${paths.config} is not valid JSON`);
  }
  const parsed = agentConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${paths.config}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`.trim());
  }
  return parsed.data;
}

/** Reads a JSON file validated by `schema`; null when absent or unreadable as that shape. */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
