// The real HAProxy (Debian's haproxy, installed by .ci/run) run with the very configuration
// files of infra/haproxy/, in front of control planes this test started. Only what Docker
// decides is rewritten: where each replica listens (controlplane-N:8080 / :4573, and the HTTP
// port the FastAGI backend checks), the ports HAProxy binds, and the certificate directory.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Capability } from "@gatehouse/testkit/capability";

const HAPROXY_DIR = fileURLToPath(new URL("../../../infra/haproxy/", import.meta.url));

interface ReplicaPorts {
  http: number;
  agi: number;
}

interface ProxyLayout {
  /** The files of infra/haproxy/ to load, in order (haproxy.cfg first). */
  files: readonly string[];
  /** controlplane-1, controlplane-2, … in this order. */
  replicas: readonly ReplicaPorts[];
  /** The ports HAProxy's frontends bind in the container, and where they bind here. */
  binds: Readonly<Record<number, number>>;
  /** HAProxy's ASTERISK_ADDRESSES. */
  asteriskAddresses: string;
  /** Where certs/ is here (tls.cfg). */
  certDir?: string;
  workDir: string;
}

export interface ProxyUnderTest {
  /** Everything HAProxy printed (its log goes to stdout, its warnings to stderr). */
  output(): string;
  /** Resolves once HAProxy has logged `pattern`; rejects if it exits first. */
  logged(pattern: RegExp): Promise<void>;
  stop(): Promise<void>;
}

export function haproxyCapability(): Capability {
  const found = spawnSync("haproxy", ["-v"], { stdio: "ignore" });
  return found.status === 0 ? { ok: true, reason: "" } : { ok: false, reason: "haproxy is not installed (apt-get install haproxy)" };
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

/** One file of infra/haproxy/ with Docker's addresses replaced by this test's. */
function localised(file: string, layout: ProxyLayout): string {
  let text = readFileSync(join(HAPROXY_DIR, file), "utf8");
  layout.replicas.forEach((ports, index) => {
    const name = `controlplane-${index + 1}`;
    text = text
      .replaceAll(`${name}:4573 check port 8080`, `127.0.0.1:${ports.agi} check port ${ports.http}`)
      .replaceAll(`${name}:8080`, `127.0.0.1:${ports.http}`);
  });
  for (const [inContainer, here] of Object.entries(layout.binds)) {
    text = text.replace(new RegExp(`^(\\s*bind) :${inContainer}\\b`, "m"), `$1 127.0.0.1:${here}`);
  }
  if (layout.certDir) text = text.replaceAll("/usr/local/etc/haproxy/certs/", `${layout.certDir}/`);
  return text;
}

function writeConfigs(layout: ProxyLayout): string[] {
  return layout.files.map((file) => {
    const path = join(layout.workDir, file);
    writeFileSync(path, localised(file, layout));
    return path;
  });
}

/** `haproxy -c`: the configuration as HAProxy itself reads it. Throws with its complaint. */
function checkConfig(layout: ProxyLayout): void {
  const args = writeConfigs(layout).flatMap((path) => ["-f", path]);
  const checked = spawnSync("haproxy", ["-c", ...args], { env: { ...process.env, ASTERISK_ADDRESSES: layout.asteriskAddresses }, encoding: "utf8" });
  if (checked.status !== 0) throw new Error(`haproxy -c refused the configuration:\n${checked.stdout}${checked.stderr}`);
}

/** Starts HAProxy in the foreground (-db) with the layout's files. */
export async function startHaproxy(layout: ProxyLayout): Promise<ProxyUnderTest> {
  checkConfig(layout);
  const args = ["-db", ...writeConfigs(layout).flatMap((path) => ["-f", path])];
  const child: ChildProcess = spawn("haproxy", args, { env: { ...process.env, ASTERISK_ADDRESSES: layout.asteriskAddresses }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiters = new Set<() => void>();
  const heard = (chunk: string) => {
    output += chunk;
    for (const wake of waiters) wake();
  };
  child.stdout?.setEncoding("utf8").on("data", heard);
  child.stderr?.setEncoding("utf8").on("data", heard);
  let exitCode: number | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exitCode = code ?? (signal ? 128 : -1);
      for (const wake of waiters) wake();
      resolve();
    }),
  );
  const logged = async (pattern: RegExp): Promise<void> => {
    while (!pattern.test(output)) {
      if (exitCode !== null) throw new Error(`haproxy exited (${exitCode}) before logging ${pattern}:\n${output}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
      });
    }
  };
  return {
    output: () => output,
    logged,
    stop: async () => {
      if (exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
