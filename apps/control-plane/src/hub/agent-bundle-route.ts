// GET /agent/gatehouse-agent.mjs: the agent as one file, so a new PBX installs the agent of
// the control plane it enrolls with (infra/cloud-init). Built by
// `pnpm --filter @gatehouse/agent build`; 404 with a hint when it was not built.
import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";

export const AGENT_BUNDLE_PATH = "/agent/gatehouse-agent.mjs";
export const DEFAULT_AGENT_BUNDLE_FILE = fileURLToPath(new URL("../../../agent/dist/gatehouse-agent.mjs", import.meta.url));

export async function serveAgentBundle(res: ServerResponse, file: string): Promise<void> {
  let bundle: Buffer;
  try {
    bundle = await readFile(file);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("the agent bundle was not built on this control plane: run `pnpm --filter @gatehouse/agent build`\n");
    return;
  }
  res.writeHead(200, {
    "content-type": "text/javascript",
    "content-length": bundle.length,
    "x-content-sha256": createHash("sha256").update(bundle).digest("hex"),
    "cache-control": "no-cache",
  });
  res.end(bundle);
}
