// `gatehouse-agent check-config`: validates everything `run` needs before systemd starts it
// (ExecStartPre), so a typo never takes the agent down with the firewall half-managed.
import type { Logger } from "pino";
import { shownUrl } from "../state/control-plane-urls.ts";
import { controlPlaneUrls, loadAgentConfig, statePaths } from "../state/state-dir.ts";
import type { BackendChoice, BackendFactory } from "../firewall/backend-choice.ts";
import { openHostBackend } from "./host-backend.ts";
import { readCa, warn, type Output } from "./output.ts";
import { plainHttp } from "./plain-http.ts";

export interface CheckConfigOptions {
  stateDir: string;
  backend: BackendChoice;
  ca?: string;
  netns?: string;
}

export async function checkConfigCommand(options: CheckConfigOptions, deps: { createBackend: BackendFactory; logger: Logger }, out: Output): Promise<void> {
  const paths = statePaths(options.stateDir);
  const config = await loadAgentConfig(paths);
  if (options.ca) await readCa(options.ca);
  const { backend, decision } = await openHostBackend({ paths, explicit: options.backend, ...(options.netns ? { netns: options.netns } : {}) }, deps);
  const urls = controlPlaneUrls(config);
  for (const url of urls.filter((u) => plainHttp(u) === "remote")) {
    warn(out, `warning: ${shownUrl(url)} is plain http: the credential and every desired state cross the network unencrypted`);
  }
  const replaces = decision.replaces ? `; replaces ${decision.replaces}, whose Gatehouse rules go once ${backend.name} enforces` : "";
  out.print(`ok: enrolled as server ${config.serverId} with ${urls.map(shownUrl).join(", ")}; backend ${backend.name} (${decision.reason})${replaces}`);
}
