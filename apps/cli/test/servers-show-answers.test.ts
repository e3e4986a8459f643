// `gatehouse servers show` with the host names its agent resolved, against a real control
// plane: the answers are stored the way the hub stores an agent's report (FqdnAnswer rows), and
// a SIP domain's SRV targets are listed under it with their ports and addresses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type PlaneUnderTest } from "./control-plane-fixture.ts";
import { buildGatehouseBundle, runGatehouse, scriptEnv, succeededJson } from "./run-gatehouse.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";

let cp: PlaneUnderTest;
let bin: string;
let token: string;
const gatehouse = (...args: string[]) => runGatehouse(args, { bin, env: scriptEnv(cp.plane.url, token) });

beforeAll(async () => {
  [cp, bin] = await Promise.all([startTestControlPlane(), buildGatehouseBundle()]);
  token = (await cp.admin.apiTokens.create.mutate({ name: "cli test" })).token;
  const tenant = await cp.admin.tenants.create.mutate({ name: "Acme" });
  const { server } = await cp.admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx1", primaryAdminSource: "203.0.113.10" });
  const resolvedAt = new Date();
  await cp.db.prisma.fqdnAnswer.createMany({
    data: [
      {
        serverId: server.id,
        fqdn: "srv:trunk.example.net",
        addresses: ["198.51.100.11", "2001:db8:a::11", "203.0.113.21"],
        targets: [
          { target: "sip-a.trunk.example.net", ports: [5060], addresses: ["198.51.100.11", "2001:db8:a::11"] },
          { target: "sip-b.trunk.example.net", ports: [5060, 5061], addresses: ["203.0.113.21"] },
        ],
        resolvedAt,
      },
      { serverId: server.id, fqdn: "nowhere.example.net", addresses: [], error: "nowhere.example.net has no A or AAAA record (ENOTFOUND)", resolvedAt },
    ],
  });
});

afterAll(async () => {
  await cp?.stop();
  removeTemporaryDirs();
});

describe("gatehouse servers show", () => {
  it("lists each host name's answer, and a SIP domain's every SRV target under it", async () => {
    const shown = await gatehouse("servers", "show", "pbx1");
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.split("\n");
    const at = lines.indexOf("Host names as the agent resolved them");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 5)).toEqual([
      "  nowhere.example.net    unresolved: nowhere.example.net has no A or AAAA record (ENOTFOUND)",
      expect.stringMatching(/^ {2}srv:trunk\.example\.net {2}198\.51\.100\.11, 2001:db8:a::11, 203\.0\.113\.21 \(resolved \d+s ago\)$/),
      "      SRV sip-a.trunk.example.net:5060  198.51.100.11, 2001:db8:a::11",
      "      SRV sip-b.trunk.example.net:5060,5061  203.0.113.21",
    ]);
  });

  it("gives the answers with their targets to a script (--json)", async () => {
    const shown = succeededJson<{ fqdnAnswers: { fqdn: string; targets: unknown }[] }>(await gatehouse("servers", "show", "pbx1", "--json"));
    expect(shown.fqdnAnswers.map((a) => [a.fqdn, Array.isArray(a.targets) ? a.targets.length : a.targets])).toEqual([
      ["nowhere.example.net", null],
      ["srv:trunk.example.net", 2],
    ]);
  });
});
