// fail2ban asks `gatehouse-agent allows <ip>` before every ban (its ignorecommand): 0 means the
// operator allowed that address and fail2ban must leave it alone, 1 that it may ban, and 2 that
// what it passed is no address. The answer comes from applied.json alone.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliDeps } from "../src/cli.ts";
import { saveAppliedRecord } from "../src/state/applied-record.ts";
import type { StatePaths } from "../src/state/state-dir.ts";
import { runAgentCommand } from "./agent-process.ts";
import { desiredState, fqdn, ip, tempStateDir } from "./agent-fixture.ts";

describe("gatehouse-agent allows, fail2ban's ignorecommand", () => {
  let paths: StatePaths;
  let cleanup: () => Promise<void>;
  let printed: string[];
  let warned: string[];
  let deps: CliDeps;

  beforeEach(async () => {
    ({ paths, cleanup } = await tempStateDir());
    printed = [];
    warned = [];
    deps = {
      env: { GATEHOUSE_STATE_DIR: paths.dir, GATEHOUSE_LOG_LEVEL: "silent" },
      createBackend: () => Promise.reject(new Error("allows never opens a firewall backend")),
      out: { print: (line) => printed.push(line), warn: (line) => warned.push(line) },
      stopSignal: new Promise<void>(() => {}),
    };
  });

  afterEach(() => cleanup());

  /** What the agent keeps on disk once the control plane confirmed `state`. */
  async function applied(state: ReturnType<typeof desiredState>, answers: Record<string, string[]> = {}): Promise<void> {
    const resolvedAt = new Date().toISOString();
    await saveAppliedRecord(paths.applied, {
      revision: 7,
      desiredHash: "d".repeat(64),
      state,
      answers: Object.entries(answers).map(([name, addresses]) => ({ fqdn: name, addresses, ttlSeconds: 300, resolvedAt })),
      rulesetHash: "r".repeat(64),
      savedAt: resolvedAt,
      backend: "nftables",
      rollbacksToReport: [],
    });
  }

  const allows = (address: string) => runCli(["allows", address], deps);

  it("says 0 for an allowlisted traveler and 1 for a stranger, even with media open to all", async () => {
    await applied(desiredState([ip("192.0.2.10"), ip("2001:db8:1::10")]));
    expect(await allows("192.0.2.10")).toBe(0);
    expect(printed).toEqual(["192.0.2.10 is allowed by revision 7's allowlist"]);
    expect(await allows("2001:db8:1::10")).toBe(0);
    expect(await allows("203.0.113.66")).toBe(1);
    expect(await allows("2001:db8:1::11")).toBe(1);
    expect(printed.at(-1)).toBe("2001:db8:1::11 is not allowed by revision 7's allowlist");
  });

  it("finds an address inside an allowed network, the LAN ranges and the primary admin, on both families", async () => {
    await applied(desiredState([ip("198.51.100.0/24"), ip("2001:db8:40::/48")], "203.0.113.10"));
    expect(await allows("198.51.100.200")).toBe(0);
    expect(await allows("198.51.101.1")).toBe(1);
    expect(await allows("2001:db8:40:ffff::1")).toBe(0);
    expect(await allows("2001:db8:41::1")).toBe(1);
    expect(await allows("10.20.30.40")).toBe(0);
    expect(await allows("203.0.113.10")).toBe(0);
    expect(await allows("203.0.113.11")).toBe(1);
  });

  it("reads a host name entry through the DNS answers kept on disk, and an IPv4-mapped address as IPv4", async () => {
    await applied(desiredState([fqdn("office.example.com")]), { "office.example.com": ["192.0.2.44"] });
    expect(await allows("192.0.2.44")).toBe(0);
    expect(await allows("::ffff:192.0.2.44")).toBe(0);
    expect(await allows("192.0.2.45")).toBe(1);
  });

  it("answers 2 with the parser's reason for anything that is not one address, and never reads it as one", async () => {
    await applied(desiredState([ip("198.51.100.0/24")]));
    for (const bad of ["198.51.100.0/24", "office.example.com", "0x7f.1", "198.051.100.1", "198.51.100.1; reboot", "fe80::1%eth0", ""]) {
      warned = [];
      expect(await allows(bad), bad).toBe(2);
      expect(warned.join("\n"), bad).toMatch(/^gatehouse-agent allows: .+/);
    }
    expect(await runCli(["allows"], deps)).toBe(2);
    expect(printed).toEqual([]);
  });

  it("answers 1 with a message when nothing was ever applied here", async () => {
    expect(await allows("192.0.2.10")).toBe(1);
    expect(warned).toEqual([`gatehouse-agent allows: no applied allowlist in ${paths.applied}: 192.0.2.10 is not allowed`]);
  });

  it("gives fail2ban its answer as the real process's exit code", async () => {
    await applied(desiredState([ip("192.0.2.10")]));
    expect(await runAgentCommand(["--state-dir", paths.dir, "allows", "192.0.2.10"])).toMatchObject({ code: 0 });
    expect(await runAgentCommand(["--state-dir", paths.dir, "allows", "203.0.113.66"])).toMatchObject({ code: 1 });
    expect(await runAgentCommand(["--state-dir", paths.dir, "allows", "not-an-address!"])).toMatchObject({ code: 2 });
  });
});
