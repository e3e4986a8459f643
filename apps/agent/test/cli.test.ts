import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readFile, stat } from "node:fs/promises";
import { runCli, type CliDeps } from "../src/cli.ts";
import { EXIT_CONFIG, EXIT_ENROLL_REFUSED, EXIT_FAILURE, EXIT_OK, EXIT_REVOKED } from "../src/exit-codes.ts";
import type { BackendFactory, BackendRequest } from "../src/firewall/backend-choice.ts";
import { TestDnsServer } from "./dns-server.ts";
import { FakeBackend } from "./fake-backend.ts";
import { FakeHub } from "./fake-hub.ts";
import { desiredState, ip, tempStateDir } from "./agent-fixture.ts";
import { loadAgentStatus } from "../src/state/status-file.ts";
import { loadAppliedRecord } from "../src/state/applied-record.ts";
import type { StatePaths } from "../src/state/state-dir.ts";

describe("the gatehouse-agent command", () => {
  let hub: FakeHub;
  let dns: TestDnsServer;
  let paths: StatePaths;
  let cleanup: () => Promise<void>;
  let backend: FakeBackend;
  let printed: string[];
  let warned: string[];
  let requests: BackendRequest["choice"][];
  let stop: () => void;
  let deps: CliDeps;
  const token = "enroll-token-0123456789abcdef";

  beforeEach(async () => {
    dns = new TestDnsServer();
    await dns.start();
    hub = new FakeHub(desiredState([ip("192.0.2.10")]));
    hub.enrollmentTokens.add(token);
    await hub.start();
    ({ paths, cleanup } = await tempStateDir());
    backend = new FakeBackend();
    printed = [];
    warned = [];
    requests = [];
    const createBackend: BackendFactory = async (request) => {
      requests.push(request.choice);
      return backend;
    };
    deps = {
      env: { GATEHOUSE_STATE_DIR: paths.dir, GATEHOUSE_LOG_LEVEL: "silent" },
      createBackend,
      out: { print: (line) => printed.push(line), warn: (line) => warned.push(line) },
      stopSignal: new Promise<void>((resolve) => (stop = resolve)),
    };
  });

  afterEach(async () => {
    stop();
    await hub.stop();
    await dns.stop();
    await cleanup();
  });

  const fastRun = ["run", "--backend", "dry-run", "--dns-server", "127.0.0.1:9", "--backoff-base-ms", "20", "--drift-interval-seconds", "0.1"];

  it("enrolls once with a token, storing the credential root-only, and refuses the token a second time", async () => {
    expect(await runCli(["enroll", "--url", hub.url, "--token", token], deps)).toBe(EXIT_OK);
    const stored = JSON.parse(await readFile(paths.config, "utf8"));
    expect(stored).toEqual({ url: hub.url, serverId: "srv-test-1", credential: hub.credential });
    expect((await stat(paths.config)).mode & 0o777).toBe(0o600);
    expect(printed.join("\n")).not.toContain(hub.credential);
    expect(await runCli(["enroll", "--url", hub.url, "--token", token, "--force"], deps)).toBe(EXIT_ENROLL_REFUSED);
  });

  it("refuses to run before enrollment, with exit code 2 for systemd's ExecStartPre", async () => {
    expect(await runCli(["check-config", "--backend", "dry-run"], deps)).toBe(EXIT_CONFIG);
    expect(await runCli(fastRun, deps)).toBe(EXIT_CONFIG);
  });

  it("runs until SIGTERM, leaves the rules in place, and `status` tells what is enforced", async () => {
    await runCli(["enroll", "--url", hub.url, "--token", token], deps);
    expect(await runCli(["check-config", "--backend", "dry-run"], deps)).toBe(EXIT_OK);
    const running = runCli(fastRun, deps);
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await vi.waitFor(async () => expect((await loadAgentStatus(paths.status))?.revision, "the status file shows revision 1").toBe(1), 10_000);
    printed = [];
    await runCli(["status"], deps);
    const status = printed.join("\n");
    expect(status).toContain("backend:      dry-run");
    expect(status).toContain("enforcing:    revision 1");
    expect(status).toContain("gh4-all=1");
    expect(status).toContain("control plane: connected");
    stop();
    expect(await running).toBe(EXIT_OK);
    expect(backend.liveAddresses()).toEqual(["192.0.2.10"]);
    expect(backend.uninstallCalls).toBe(0);
  });

  it("exits with the revoked code when the control plane refuses the credential", async () => {
    await runCli(["enroll", "--url", hub.url, "--token", token], deps);
    hub.refuseWith = 401;
    expect(await runCli(fastRun, deps)).toBe(EXIT_REVOKED);
    printed = [];
    await runCli(["status"], deps);
    expect(printed.join("\n")).toContain("re-enroll");
  });

  it("`uninstall` is the one command that removes the rules", async () => {
    await runCli(["enroll", "--url", hub.url, "--token", token], deps);
    const running = runCli(fastRun, deps);
    await hub.reportWhere((r) => r.appliedRevision === 1);
    stop();
    await running;
    expect(await runCli(["uninstall", "--backend", "dry-run"], deps)).toBe(EXIT_OK);
    expect(backend.uninstallCalls).toBe(1);
    expect(backend.live).toBeNull();
  });

  it("`restore` re-enforces the confirmed state from disk after a reboot, with no network", async () => {
    await runCli(["enroll", "--url", hub.url, "--token", token], deps);
    const running = runCli(fastRun, deps);
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is confirmed on disk").toBe(1), 10_000);
    stop();
    await running;
    await hub.stop();
    backend.flushByHand(); // the reboot emptied the kernel's tables
    printed = [];
    expect(await runCli(["restore", "--backend", "dry-run"], deps)).toBe(EXIT_OK);
    expect(backend.liveAddresses()).toEqual(["192.0.2.10"]);
    expect(printed.join("\n")).toContain("restored revision 1");
  });

  it("`uninstall` refuses while `run` is active, leaving the rules and the state on disk; once stopped it removes them", async () => {
    await runCli(["enroll", "--url", hub.url, "--token", token], deps);
    const running = runCli(fastRun, deps);
    await hub.reportWhere((r) => r.appliedRevision === 1);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is on disk").toBe(1), 10_000);
    expect(await runCli(["uninstall", "--backend", "dry-run"], deps)).toBe(EXIT_FAILURE);
    expect(backend.uninstallCalls).toBe(0);
    expect(await loadAppliedRecord(paths.applied)).not.toBeNull();
    expect(await runCli(fastRun, deps)).toBe(EXIT_FAILURE);
    stop();
    expect(await running).toBe(EXIT_OK);
    expect(await runCli(["uninstall", "--backend", "dry-run"], deps)).toBe(EXIT_OK);
    expect(backend.uninstallCalls).toBe(1);
    expect(await loadAppliedRecord(paths.applied)).toBeNull();
  });

  it("the backend chosen at enrollment is this host's: check-config, restore and run use it without --backend", async () => {
    expect(await runCli(["enroll", "--url", hub.url, "--token", token, "--backend", "dry-run"], deps)).toBe(EXIT_OK);
    expect(JSON.parse(await readFile(paths.config, "utf8"))).toMatchObject({ backend: "dry-run" });
    expect(await runCli(["check-config"], deps)).toBe(EXIT_OK);
    expect(requests).toEqual(["dry-run"]);
    expect(printed.join("\n")).toContain("recorded in");
  });

  it("restore and check-config take every `run` flag, so the unit can pass one set to each step", async () => {
    await runCli(["enroll", "--url", hub.url, "--token", token], deps);
    const running = runCli(fastRun, deps);
    await vi.waitFor(async () => expect((await loadAppliedRecord(paths.applied))?.revision, "revision 1 is on disk").toBe(1), 10_000);
    stop();
    await running;
    expect((await loadAppliedRecord(paths.applied))?.backend).toBe("dry-run");
    const flags = fastRun.slice(1);
    expect(await runCli(["restore", ...flags], deps)).toBe(EXIT_OK);
    expect(await runCli(["check-config", ...flags], deps)).toBe(EXIT_OK);
  });

  it("refuses to enroll over plain http with another host unless told --insecure-http, and warns even on loopback", async () => {
    expect(await runCli(["enroll", "--url", "http://192.0.2.1:3000", "--token", token], deps)).toBe(EXIT_CONFIG);
    await expect(readFile(paths.config, "utf8")).rejects.toThrow();
    expect(await runCli(["enroll", "--url", hub.url, "--token", token], deps)).toBe(EXIT_OK);
    expect(warned).toEqual([expect.stringContaining("plain http")]);
  });
});
