// GET /agent/gatehouse-agent.mjs and /agent/gatehouse-agent.service: the agent as one file and
// its systemd unit, so a new PBX installs the agent of the control plane it enrolls with (the
// printed install command, infra/cloud-init). The install command carries each file's SHA-256,
// computed here from the very bytes served. The bundle is built by
// `pnpm --filter @gatehouse/agent build` (`pnpm start` and the Docker image do it); 404 with a
// hint when it was not built.
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { sha256Hex } from "@gatehouse/core";

export const AGENT_BUNDLE_PATH = "/agent/gatehouse-agent.mjs";
export const AGENT_UNIT_PATH = "/agent/gatehouse-agent.service";
export const DEFAULT_AGENT_BUNDLE_FILE = fileURLToPath(new URL("../../../agent/dist/gatehouse-agent.mjs", import.meta.url));
export const DEFAULT_AGENT_UNIT_FILE = fileURLToPath(new URL("../../../../infra/systemd/gatehouse-agent.service", import.meta.url));

export interface AgentDownloadFiles {
  bundle: string;
  unit: string;
}

/** The SHA-256 (hex) of each file a PBX downloads; null when that file is missing. */
export interface AgentDownloadChecksums {
  bundleSha256: string | null;
  unitSha256: string | null;
}

const NOT_BUILT = "the agent bundle was not built on this control plane: run `pnpm --filter @gatehouse/agent build`\n";

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}

export async function agentDownloadChecksums(files: AgentDownloadFiles): Promise<AgentDownloadChecksums> {
  const [bundle, unit] = await Promise.all([readOrNull(files.bundle), readOrNull(files.unit)]);
  return { bundleSha256: bundle && sha256Hex(bundle), unitSha256: unit && sha256Hex(unit) };
}

async function serveFile(res: ServerResponse, file: string, contentType: string, missing: string): Promise<void> {
  const bytes = await readOrNull(file);
  if (bytes === null) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(missing);
    return;
  }
  res.writeHead(200, {
    "content-type": contentType,
    "content-length": bytes.length,
    "x-content-sha256": sha256Hex(bytes),
    "cache-control": "no-cache",
  });
  res.end(bytes);
}

export function serveAgentBundle(res: ServerResponse, file: string): Promise<void> {
  return serveFile(res, file, "text/javascript", NOT_BUILT);
}

export function serveAgentUnit(res: ServerResponse, file: string): Promise<void> {
  return serveFile(res, file, "text/plain; charset=utf-8", "the systemd unit (infra/systemd/gatehouse-agent.service) is missing on this control plane\n");
}
