// `gatehouse-agent enroll`: trade the token, store {url, serverId, credential} root-only, and the
// backend when one was chosen (it is this host's until an applied state records the one in use).
// Plain http:// to anything but this host is refused unless --insecure-http (see plain-http.ts).
import { hostname as osHostname } from "node:os";
import { access } from "node:fs/promises";
import { enrollAgent } from "../enroll/enroll-client.ts";
import { saveAgentConfig, statePaths } from "../state/state-dir.ts";
import { AGENT_VERSION } from "../version.ts";
import type { BackendChoice } from "../firewall/backend-choice.ts";
import { readCa, warn, type Output } from "./output.ts";
import { plainHttpWarning } from "./plain-http.ts";

export interface EnrollCommandOptions {
  url: string;
  token: string;
  stateDir: string;
  ca?: string;
  hostname?: string;
  force?: boolean;
  /** "auto" records nothing: the first `run` detects and records. */
  backend?: BackendChoice;
  insecureHttp?: boolean;
}

export async function enrollCommand(options: EnrollCommandOptions, out: Output): Promise<void> {
  const paths = statePaths(options.stateDir);
  const warning = plainHttpWarning(options.url, options.insecureHttp === true);
  if (warning) warn(out, warning);
  if (!options.force && (await access(paths.config).then(() => true, () => false))) {
    throw new Error(`already enrolled (${paths.config} exists); pass --force to enroll again`);
  }
  const ca = options.ca ? await readCa(options.ca) : undefined;
  const answer = await enrollAgent({
    url: options.url,
    request: { token: options.token, hostname: options.hostname ?? osHostname(), agentVersion: AGENT_VERSION },
    ...(ca ? { ca } : {}),
  });
  const backend = options.backend && options.backend !== "auto" ? { backend: options.backend } : {};
  await saveAgentConfig(paths, { url: options.url, serverId: answer.serverId, credential: answer.credential, ...backend });
  out.print(`enrolled as server ${answer.serverId}; credential stored in ${paths.config} (0600)`);
}
