// Provider presets and custom services from the terminal, against a real control plane: the
// shipped presets with where their hosts come from, an MSP admin's own preset added, switched on
// for a server (its revision moves), edited and removed; a tenant admin refused with one line;
// custom services for a tenant and the fleet, each usage error one `gatehouse:` line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRODUCTION_EXTENSIONS } from "@gatehouse/control-plane/server";
import { startUnderTest, TestClock, type PlaneUnderTest } from "@gatehouse/control-plane/testing";
import { buildGatehouseBundle, expectRefused, runGatehouse, scriptEnv, succeededJson } from "./run-gatehouse.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";

const PASSWORD = "a long enough password";
let cp: PlaneUnderTest;
let bin: string;
let mspToken: string;
let acmeToken: string;
let serverId: string;

const as = (token: string) => (...args: string[]) =>
  runGatehouse(args, { bin, env: scriptEnv(cp.plane.url, token) });

beforeAll(async () => {
  [cp, bin] = await Promise.all([startUnderTest(undefined, { extensions: PRODUCTION_EXTENSIONS, clock: TestClock.wall() }), buildGatehouseBundle()]);
  mspToken = (await cp.admin.apiTokens.create.mutate({ name: "cli test" })).token;
  const acme = await cp.admin.tenants.create.mutate({ name: "acme" });
  await cp.admin.tenants.create.mutate({ name: "bravo" });
  serverId = (await cp.admin.servers.create.mutate({ tenantId: acme.id, name: "pbx1" })).server.id;
  await cp.admin.operators.create.mutate({ email: "it@acme.example", name: "Acme IT", password: PASSWORD, role: "TENANT_ADMIN", tenantId: acme.id });
  acmeToken = (await (await cp.signIn("it@acme.example", PASSWORD)).apiTokens.create.mutate({ name: "acme script" })).token;
});

afterAll(async () => {
  await cp?.stop();
  removeTemporaryDirs();
});

const revision = async () => (await cp.db.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).revision;

describe("gatehouse presets", () => {
  it("list shows the shipped presets with their source, and --json says where each host's addresses come from", async () => {
    const listed = await as(mspToken)("presets", "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^Twilio Elastic SIP Trunking .*https:\/\/www\.twilio\.com\/docs\/sip-trunking\/ip-addresses/m);
    expect(listed.stdout).toContain("srv:callcentric.com (SRV)");
    const json = JSON.parse((await as(mspToken)("presets", "list", "--json")).stdout) as { id: string; builtIn: boolean; sourceNote: string; hostOrigins: { origin: string }[] }[];
    const telnyx = json.find((preset) => preset.id === "telnyx");
    expect(telnyx).toMatchObject({ builtIn: true });
    expect(telnyx?.sourceNote).toContain("2026-12");
    expect(new Set(telnyx?.hostOrigins.map((host) => host.origin))).toEqual(new Set(["address"]));
  });

  it("an MSP admin adds a preset, switches it on for a server (its revision moves), edits it and removes it", async () => {
    const gatehouse = as(mspToken);
    const added = await gatehouse("presets", "add", "Acme carrier", "--hosts", "SIP.Carrier.example, 198.51.100.0/28", "--services", "sip,rtp", "--source-url", "https://carrier.example/ips", "--json");
    expect(succeededJson(added)).toMatchObject({ name: "Acme carrier", hosts: ["sip.carrier.example", "198.51.100.0/28"], builtIn: false });

    const before = await revision();
    const enabled = await gatehouse("presets", "enable", "acme carrier", "--server", "pbx1");
    expect(enabled.stdout).toBe("Acme carrier switched on for server pbx1.\n");
    const edited = await gatehouse("presets", "edit", "Acme carrier", "--hosts", "sip2.carrier.example");
    expect(edited.stdout).toMatch(/^Preset Acme carrier changed: sip2\.carrier\.example for /);
    expect(await revision()).toBe(before + 2);

    const disabled = await gatehouse("presets", "disable", "Acme carrier", "--server", "pbx1");
    expect(disabled.stdout).toBe("Acme carrier switched off for server pbx1.\n");
    const removed = await gatehouse("presets", "remove", "Acme carrier");
    expect(removed.stdout).toBe("Preset Acme carrier removed.\n");
    expect(await cp.db.prisma.providerPreset.count({ where: { builtIn: false } })).toBe(0);
  });

  it("says in one line what is wrong: a bad host, a shipped preset, a tenant admin, a missing target", async () => {
    expectRefused(await as(mspToken)("presets", "add", "Broken", "--hosts", "198.51.100.300", "--services", "sip"), /^gatehouse: host 1: 198\.51\.100\.300 is not an IPv4 address/);
    expectRefused(await as(mspToken)("presets", "remove", "twilio"), /^gatehouse: Twilio Elastic SIP Trunking ships with Gatehouse and cannot be deleted/);
    expectRefused(await as(acmeToken)("presets", "add", "Open door", "--hosts", "45.0.0.0/8", "--services", "all"), /^gatehouse: only an MSP admin can do this/);
    expectRefused(await as(mspToken)("presets", "enable", "twilio"), "give exactly one of --tenant NAME or --server NAME");
    expect(await cp.db.prisma.providerPreset.count({ where: { builtIn: false } })).toBe(0);
  });
});

describe("gatehouse services", () => {
  it("a tenant admin adds a service for their tenant; the fleet is the MSP's; each sees what they may use", async () => {
    const acme = as(acmeToken);
    const added = await acme("services", "add", "fax", "--name", "Fax gateway", "--protocol", "udp", "--port", "9100-9110", "--tenant", "acme");
    expect(added.stdout).toBe("Service fax (Fax gateway, udp/9100-9110) added for acme; allow it with --services fax.\n");
    expectRefused(await acme("services", "add", "open", "--name", "Open", "--protocol", "tcp", "--port", "1-65535"), /^gatehouse: this change is fleet-wide; only an MSP admin can make it/);
    expect((await as(mspToken)("services", "add", "prov", "--name", "Provisioning", "--protocol", "tcp", "--port", "8443")).code).toBe(0);
    await cp.admin.customServices.create.mutate({ id: "bravo-pager", name: "Bravo paging", protocol: "udp", portFrom: 5000, portTo: 5000, tenantId: (await cp.db.prisma.tenant.findFirstOrThrow({ where: { name: "bravo" } })).id });

    const listed = await acme("services", "list");
    expect(listed.stdout).toMatch(/^fax\s+Fax gateway\s+udp\/9100-9110\s+acme$/m);
    expect(listed.stdout).toMatch(/^prov\s+Provisioning\s+tcp\/8443\s+\(fleet\)$/m);
    expect(listed.stdout).toMatch(/^sip\s+SIP\s+udp\/5060 tcp\/5060\s+catalogue$/m);
    expect(listed.stdout).not.toContain("bravo-pager");
    const json = JSON.parse((await acme("services", "list", "--json")).stdout) as { custom: { id: string }[] };
    expect(json.custom.map((service) => service.id)).toEqual(["fax", "prov"]);
    expectRefused(await acme("services", "remove", "bravo-pager"), /^gatehouse: custom service bravo-pager not found/);
    expect((await acme("services", "remove", "fax")).stdout).toBe("Service fax removed; entries naming it no longer open anything for it.\n");
  });

  it("refuses a bad port or protocol before asking the control plane", async () => {
    const gatehouse = as(mspToken);
    expectRefused(await gatehouse("services", "add", "x1", "--name", "X", "--protocol", "sctp", "--port", "1"), "--protocol sctp: expected tcp or udp");
    expectRefused(await gatehouse("services", "add", "x1", "--name", "X", "--protocol", "udp", "--port", "5060,5061"), "--port 5060,5061: expected a port (5060) or a range (10000-20000)");
    expectRefused(await gatehouse("services", "add", "x1", "--name", "X", "--protocol", "udp", "--port", "20000-10000"), /^gatehouse: .*the first port must not be above the last port/);
  });
});
