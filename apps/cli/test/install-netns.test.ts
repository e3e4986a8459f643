// The printed install, pasted on a new PBX as a newcomer would. A network-namespace lab: the
// control plane runs as `pnpm start` runs it (main.ts, embedded PGlite, HOST=0.0.0.0 and
// PUBLIC_URL as docs/operations.md says) in "cp"; the operator's CLI runs in "ops"; the install
// line runs as printed, through sh, in "pbx", whose /usr/local/bin, /etc/systemd/system, /var/lib
// and temporary directory are fresh tmpfs mounts of its own (the test host's files are never
// touched). It fetches the bundle and the unit over the lab's veths, checks their SHA-256,
// installs them and enrolls. No systemd runs in a namespace: systemctl-stand-in.mjs records the
// calls and does what systemd does with the installed unit (ExecStartPre in order, then
// ExecStart), and `systemd-analyze verify` checks the unit when it is installed on this host.
// What it covers: the install's commands and the unit's command lines on a real host's firewall
// (iptables + ipset in the PBX's namespace); not systemd's own ordering at boot.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./control-plane-fixture.ts";
import { buildGatehouseBundle, type RunResult } from "./run-gatehouse.ts";
import { removeTemporaryDirs, temporaryDir } from "./temporary-dirs.ts";

const enabled = requireCapability("install on a PBX", netnsCapability(["iptables", "ipset", "curl", "sha256sum", "mount"]));
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MAIN = join(ROOT, "apps", "control-plane", "src", "main.ts");
const TSX = createRequire(import.meta.url).resolve("tsx");
const STAND_IN = fileURLToPath(new URL("./systemctl-stand-in.mjs", import.meta.url));
const SIP = 5060;
const agentBundle = join(ROOT, "apps", "agent", "dist", "gatehouse-agent.mjs");

function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
  });
}

/** The install block `servers add` printed: the lines under "run (...):", as pasted. */
function printedInstall(stdout: string): string {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith("On the new server, as root, run")) + 2;
  const end = lines.indexOf("", start);
  return lines.slice(start, end).map((line) => line.replace(/^ {2}/, "")).join("\n");
}

// The PBX side: private mounts over what the install writes (ip netns exec gives each command
// its own mount namespace, so they vanish with the last process in it), then the paste itself.
const PBX_SHELL = `set -e
for dir in /usr/local/bin /etc/systemd/system /var/lib "$TMPDIR"; do mount -t tmpfs -o mode=0755 tmpfs "$dir"; done
sh -c "$INSTALL"
if command -v systemd-analyze >/dev/null; then systemd-analyze verify /etc/systemd/system/gatehouse-agent.service > "$WORK/verify.txt" 2>&1 && echo ok >> "$WORK/verify.txt" || echo failed >> "$WORK/verify.txt"; fi`;

describe.runIf(enabled)("a newcomer pastes the printed install on a new PBX", () => {
  let lab: NetnsLab;
  let controlPlane: ChildProcess;
  let controlPlaneOutput = "";
  let cli: string;
  let work: string;
  let url: string;
  let install: string;
  let agentPid: number | null = null;
  const standIn = () => join(work, "bin");

  const gatehouse = (...args: string[]) =>
    run("ip", ["netns", "exec", lab.host("ops").netns, process.execPath, cli, ...args], {
      env: { PATH: process.env.PATH, HOME: join(work, "home"), NO_COLOR: "1" },
      ...(args.includes("--password-stdin") ? { stdin: `${ADMIN_PASSWORD}\n` } : {}),
    });

  const onThePbx = (installLine: string) =>
    run("ip", ["netns", "exec", lab.host("pbx").netns, "sh", "-c", PBX_SHELL], {
      env: {
        PATH: `${standIn()}:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        HOME: "/root",
        TMPDIR: join(work, "pbx-tmp"),
        WORK: work,
        INSTALL: installLine,
        SYSTEMCTL_LOG: join(work, "systemctl.log"),
        SYSTEMCTL_PIDFILE: join(work, "agent.pid"),
        SYSTEMCTL_OUTPUT: join(work, "agent.log"),
      },
    });

  beforeAll(async () => {
    work = temporaryDir("install");
    for (const dir of ["bin", "home", "pbx-tmp", "data"]) await run("mkdir", ["-p", join(work, dir)]);
    writeFileSync(join(standIn(), "systemctl"), `#!/bin/sh\nexec ${process.execPath} ${STAND_IN} "$@"\n`, { mode: 0o755 });
    // What `pnpm start` builds first (package.json), and the operator's CLI.
    const [, bundle] = await Promise.all([promisify(execFile)(process.execPath, [join(ROOT, "apps", "agent", "bin", "build-bundle.mjs")]), buildGatehouseBundle()]);
    cli = bundle;
    lab = await NetnsLab.create({ label: "inst", hosts: ["cp", "ops", "pbx", "admin", "stranger"] });
    url = `http://${lab.host("cp").ipv4}:8080`;
    controlPlane = spawn("ip", ["netns", "exec", lab.host("cp").netns, process.execPath, "--import", TSX, MAIN], {
      env: { PATH: process.env.PATH, HOST: "0.0.0.0", PORT: "8080", PUBLIC_URL: url, DATA_DIR: join(work, "data"), LOG_LEVEL: "warn", GATEHOUSE_ADMIN_EMAIL: ADMIN_EMAIL, GATEHOUSE_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ["ignore", "pipe", "pipe"],
    });
    controlPlane.stdout?.on("data", (d: Buffer) => (controlPlaneOutput += d.toString()));
    controlPlane.stderr?.on("data", (d: Buffer) => (controlPlaneOutput += d.toString()));
    await vi.waitUntil(() => controlPlaneOutput.includes("listening on"), { timeout: 60_000, interval: 200 });
    await lab.listenTcp("pbx", [SIP]);
  }, 120_000);

  afterAll(async () => {
    if (agentPid !== null) {
      try {
        process.kill(agentPid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    controlPlane?.kill("SIGTERM");
    await lab?.destroy();
    removeTemporaryDirs();
  });

  it("the operator signs in from their laptop and adds the tenant and the server; the install names the control plane's public URL", async () => {
    const login = await gatehouse("login", "--url", url, "--email", ADMIN_EMAIL, "--password-stdin");
    expect(login.code, login.stderr).toBe(0);
    expect((await gatehouse("tenants", "add", "acme")).code).toBe(0);
    const added = await gatehouse("servers", "add", "pbx1", "--tenant", "acme", "--admin-ip", lab.host("admin").ipv4);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`curl -fsS -o gatehouse-agent.mjs ${url}/agent/gatehouse-agent.mjs &&`);
    expect(added.stdout).not.toContain("loopback");
    install = printedInstall(added.stdout);
    // This lab has no TLS: the printed note says an agent that refuses plain http enrolls only
    // with --insecure-http added to its enroll step, and a lab operator does just that.
    if (readFileSync(agentBundle).includes("--insecure-http")) {
      expect(added.stdout).toContain("unless --insecure-http is added to its enroll step");
      install = install.replace(/(gatehouse-agent enroll .*?) &&/, "$1 --insecure-http &&");
    }
  });

  it("a bundle that is not the one the control plane vouched for installs and enrolls nothing", async () => {
    const sums = /printf '%s {2}%s\\n' ([0-9a-f]{64})/.exec(install);
    expect(sums).not.toBeNull();
    const wrongSum = sums![1]!.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    const result = await onThePbx(install.replace(sums![1]!, wrongSum));
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/gatehouse-agent\.mjs: FAILED/);
    expect(existsSync(join(work, "systemctl.log"))).toBe(false);
    const listed = JSON.parse((await gatehouse("servers", "list", "--json")).stdout) as { status: string }[];
    expect(listed.map((s) => s.status)).toEqual(["pending"]);
  });

  it("the install as printed downloads and checks both files, installs them, enrolls, and starts the unit's commands", async () => {
    const result = await onThePbx(install);
    expect(result.code, `${result.stdout}\n---\n${result.stderr}\n---\n${readIfThere(join(work, "agent.log"))}`).toBe(0);
    expect(result.stdout).toContain("gatehouse-agent.mjs: OK");
    expect(result.stdout).toContain("gatehouse-agent.service: OK");
    expect(readFileSync(join(work, "systemctl.log"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as string[])).toEqual([
      ["daemon-reload"],
      ["enable", "gatehouse-agent"],
      ["restart", "gatehouse-agent"],
    ]);
    agentPid = Number(readFileSync(join(work, "agent.pid"), "utf8"));

    // What the PBX now holds, seen through the agent's own mounts.
    const root = `/proc/${agentPid}/root`;
    const installed = readFileSync(`${root}/usr/local/bin/gatehouse-agent`);
    expect(statSync(`${root}/usr/local/bin/gatehouse-agent`).mode & 0o777).toBe(0o755);
    expect(install).toContain(createHash("sha256").update(installed).digest("hex"));
    expect(readFileSync(`${root}/etc/systemd/system/gatehouse-agent.service`, "utf8")).toBe(readFileSync(join(ROOT, "infra", "systemd", "gatehouse-agent.service"), "utf8"));
    expect(statSync(`${root}/var/lib/gatehouse/agent.json`).mode & 0o777).toBe(0o600);
    const verify = readIfThere(join(work, "verify.txt"));
    if (verify !== "") expect(verify.trim().split("\n").at(-1), verify).toBe("ok");

    await vi.waitUntil(async () => {
      const rows = JSON.parse((await gatehouse("status", "--json")).stdout) as { online: boolean; inSync: boolean }[];
      return rows[0]?.online && rows[0].inSync ? true : undefined;
    }, { timeout: 30_000, interval: 200 });
  });

  it("the started agent shuts the PBX to a stranger, keeps it open to the admin address, and opens it when the operator allows the stranger", async () => {
    const pbx = lab.host("pbx").ipv4;
    expect(await lab.canConnect("admin", pbx, SIP)).toBe(true);
    expect(await lab.canConnect("stranger", pbx, SIP)).toBe(false);
    const allowed = await gatehouse("add-ip", lab.host("stranger").ipv4, "--server", "pbx1", "--services", "sip");
    expect(allowed.code, allowed.stderr).toBe(0);
    await vi.waitUntil(() => lab.canConnect("stranger", pbx, SIP), { timeout: 30_000, interval: 200 });
  });
});

function readIfThere(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}
