// `gatehouse explain` from the terminal against a real control plane: the entry that allows an
// address (with its services, comment and end), the LAN, an address nothing allows, the agent
// offline said in words, --json for scripts, and bad input refused in one `gatehouse:` line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type PlaneUnderTest } from "./control-plane-fixture.ts";
import { buildGatehouseBundle, freshHome, runGatehouse } from "./run-gatehouse.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";

let cp: PlaneUnderTest;
let bin: string;
let token: string;

const gatehouse = (...args: string[]) => runGatehouse(args, { bin, env: { HOME: freshHome(), XDG_CONFIG_HOME: undefined, GATEHOUSE_URL: cp.plane.url, GATEHOUSE_TOKEN: token } });

beforeAll(async () => {
  [cp, bin] = await Promise.all([startTestControlPlane(), buildGatehouseBundle()]);
  token = (await cp.admin.apiTokens.create.mutate({ name: "cli test" })).token;
  const tenant = await cp.admin.tenants.create.mutate({ name: "acme" });
  const server = (await cp.admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx1", mediaOpenToAll: false })).server;
  await cp.admin.entries.add.mutate({ source: "203.0.113.0/29", services: ["sip", "iax2"], comment: "branch office", scope: { kind: "SERVER", serverId: server.id } });
});

afterAll(async () => {
  await cp?.stop();
  removeTemporaryDirs();
});

describe("gatehouse explain", () => {
  it("names the entry per service, says where the address is dropped, and that the agent is offline", async () => {
    const result = await gatehouse("explain", "203.0.113.7", "--server", "pbx1");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("203.0.113.7 on pbx1:");
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}sip +entry [0-9a-f]{8} 203\.0\.113\.0\/29 \(server pbx1, "branch office"\) without end$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}iax2 +entry /));
    expect(lines.at(-1)).toBe("Live: agent offline: live sets not checked");
  });

  it("an address nothing allows is dropped by the base policy; a LAN address is allowed everything", async () => {
    const dropped = await gatehouse("explain", "198.51.100.9", "--server", "pbx1");
    expect(dropped.stdout).toContain("Nothing allows it: the base policy drops it (silently).");
    const lan = await gatehouse("explain", "10.1.2.3", "--server", "pbx1");
    expect(lan.stdout).toMatch(/^ {2}all +LAN range 10\.0\.0\.0\/8$/m);
  });

  it("--json gives the API's answer as is", async () => {
    const result = await gatehouse("explain", "203.0.113.7", "--server", "pbx1", "--json");
    const answer = JSON.parse(result.stdout) as { explanation: { dropped: boolean; allows: Array<{ kind: string; comment?: string }> }; live: { status: string } };
    expect(answer.explanation.dropped).toBe(false);
    expect(answer.explanation.allows[0]).toMatchObject({ kind: "entry", comment: "branch office" });
    expect(answer.live.status).toBe("offline");
  });

  it("refuses a CIDR, a missing --server and an unknown server in one line each", async () => {
    for (const [args, message] of [
      [["explain", "203.0.113.0/24", "--server", "pbx1"], /^gatehouse: .*203\.0\.113\.0\/24.*\n$/],
      [["explain", "203.0.113.7"], /^gatehouse: say which server: gatehouse explain ADDRESS --server SERVER\n$/],
      [["explain", "203.0.113.7", "--server", "nope"], /^gatehouse: no server named nope.*\n$/],
    ] as const) {
      const result = await gatehouse(...args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(message);
    }
  });
});
