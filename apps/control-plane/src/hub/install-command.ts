// The command an operator pastes into a new PBX's root shell: check Node.js, download the agent
// bundle and its systemd unit from this control plane, verify both against the SHA-256 sums the
// control plane computed (the download may be plain http, the operator's API answer was not
// tampered with), install them, enroll with the one-time token, start the service. Every step
// is joined with `&&`, so the first failure stops the rest and nothing half-installed runs.
import { AGENT_BUNDLE_PATH, AGENT_UNIT_PATH } from "./agent-bundle-route.ts";

/** The oldest Node.js major the agent bundle runs on (esbuild target node20). */
const AGENT_NODE_MAJOR = 20;
const AGENT_BIN = "/usr/local/bin/gatehouse-agent";
const AGENT_UNIT_FILE = "/etc/systemd/system/gatehouse-agent.service";

export interface InstallCommandInput {
  /** The control plane's public base URL, without a trailing slash. */
  url: string;
  token: string;
  bundleSha256: string;
  unitSha256: string;
  /** Replace an existing enrollment on the host (a re-enrollment). */
  force: boolean;
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: as is when it is plain, else single-quoted. */
function shellWord(text: string): string {
  return PLAIN_WORD.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

export function enrollCommand(url: string, token: string, force: boolean): string {
  return ["gatehouse-agent", "enroll", "--url", url, "--token", token, ...(force ? ["--force"] : [])].map(shellWord).join(" ");
}

const NODE_CHECK =
  `node -e 'if (process.versions.node.split(".")[0] < ${AGENT_NODE_MAJOR}) { console.error("gatehouse-agent needs Node.js ${AGENT_NODE_MAJOR} or later, this is " + process.version); process.exit(1) }'`;

/** The complete install, one step per line; lines end in `&&` so it pastes as one command. */
export function installCommand(input: InstallCommandInput): string {
  const base = input.url.replace(/\/+$/, "");
  const steps = [
    NODE_CHECK,
    `cd "$(mktemp -d)"`,
    `curl -fsS -o gatehouse-agent.mjs ${shellWord(base + AGENT_BUNDLE_PATH)}`,
    `curl -fsS -o gatehouse-agent.service ${shellWord(base + AGENT_UNIT_PATH)}`,
    `printf '%s  %s\\n' ${input.bundleSha256} gatehouse-agent.mjs ${input.unitSha256} gatehouse-agent.service | sha256sum --check --strict`,
    `install -m 0755 gatehouse-agent.mjs ${AGENT_BIN}`,
    `install -m 0644 gatehouse-agent.service ${AGENT_UNIT_FILE}`,
    enrollCommand(base, input.token, input.force),
    "systemctl daemon-reload",
    "systemctl enable gatehouse-agent",
    // restart, not start: a re-enrolled host may still run the agent of its old credential.
    "systemctl restart gatehouse-agent",
  ];
  return steps.join(" &&\n");
}
