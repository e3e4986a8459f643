// `gatehouse-agent enroll`: trade the token, store {url, serverId, credential} root-only, and the
// backend when one was chosen (it is this host's until an applied state records the one in use).
// --url may list several control-plane replicas (comma-separated): each is checked before
// anything is sent, the token goes to whichever answers, and the whole list is stored.
// Plain http:// to anything but this host is refused unless --insecure-http (see plain-http.ts).
import { hostname as osHostname } from "node:os";
import { access } from "node:fs/promises";
import { enrollAtAnyReplica } from "../enroll/enroll-client.ts";
import { readControlPlaneUrls, shownUrl } from "../state/control-plane-urls.ts";
import { ConfigError, saveAgentConfig, statePaths } from "../state/state-dir.ts";
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
  /** [0, 1); picks the replica tried first. Injectable for tests. */
  random?: () => number;
}

function checkedUrls(text: string, insecureHttp: boolean, out: Output): string[] {
  const read = readControlPlaneUrls(text);
  if (!read.ok) throw new ConfigError(`--url: ${read.problem}`);
  // Every URL is checked before the first warning shows: a refused one refuses the whole list.
  const warnings = read.urls.map((url) => plainHttpWarning(url, insecureHttp));
  for (const warning of warnings) if (warning) warn(out, warning);
  return read.urls;
}

export async function enrollCommand(options: EnrollCommandOptions, out: Output): Promise<void> {
  const paths = statePaths(options.stateDir);
  const urls = checkedUrls(options.url, options.insecureHttp === true, out);
  if (!options.force && (await access(paths.config).then(() => true, () => false))) {
    throw new Error(`already enrolled (${paths.config} exists); pass --force to enroll again`);
  }
  const ca = options.ca ? await readCa(options.ca) : undefined;
  const { url, answer } = await enrollAtAnyReplica({
    urls,
    ...(options.random ? { random: options.random } : {}),
    request: { token: options.token, hostname: options.hostname ?? osHostname(), agentVersion: AGENT_VERSION },
    ...(ca ? { ca } : {}),
  });
  const backend = options.backend && options.backend !== "auto" ? { backend: options.backend } : {};
  await saveAgentConfig(paths, { url: urls.join(","), serverId: answer.serverId, credential: answer.credential, ...backend });
  const through = urls.length > 1 ? ` through ${shownUrl(url)} (one of ${urls.length} replicas, all kept)` : "";
  out.print(`enrolled as server ${answer.serverId}${through}; credential stored in ${paths.config} (0600)`);
}
