// `gatehouse-agent enroll`: trade the token, store {url, serverId, credential} root-only.
import { hostname as osHostname } from "node:os";
import { access } from "node:fs/promises";
import { enrollAgent } from "../enroll/enroll-client.ts";
import { saveAgentConfig, statePaths } from "../state/state-dir.ts";
import { AGENT_VERSION } from "../version.ts";
import { readCa, type Output } from "./output.ts";

export interface EnrollCommandOptions {
  url: string;
  token: string;
  stateDir: string;
  ca?: string;
  hostname?: string;
  force?: boolean;
}

export async function enrollCommand(options: EnrollCommandOptions, out: Output): Promise<void> {
  const paths = statePaths(options.stateDir);
  if (!options.force && (await access(paths.config).then(() => true, () => false))) {
    throw new Error(`already enrolled (${paths.config} exists); pass --force to enroll again`);
  }
  const ca = options.ca ? await readCa(options.ca) : undefined;
  const answer = await enrollAgent({
    url: options.url,
    request: { token: options.token, hostname: options.hostname ?? osHostname(), agentVersion: AGENT_VERSION },
    ...(ca ? { ca } : {}),
  });
  await saveAgentConfig(paths, { url: options.url, serverId: answer.serverId, credential: answer.credential });
  out.print(`enrolled as server ${answer.serverId}; credential stored in ${paths.config} (0600)`);
}
