// Tenants and servers from the terminal, each command as a script would run it (--json) and as
// a person would (words), against a real control plane: add, rename and delete a tenant; edit
// every setting of a server, give it a new enrollment command, revoke it and delete it. A
// delete says what it would take and needs --yes; a tenant admin's attempts on tenants are
// refused with the control plane's one line.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type PlaneUnderTest } from "./control-plane-fixture.ts";
import { buildGatehouseBundle, expectRefused, runGatehouse, scriptEnv, succeededJson, type RunResult } from "./run-gatehouse.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";

let cp: PlaneUnderTest;
let bin: string;
let adminToken: string;
let tenantAdminToken: string;

/** Runs `gatehouse` with a token in the environment, as in a script. */
function gatehouseAs(token: string, ...args: string[]): Promise<RunResult> {
  return runGatehouse(args, { bin, env: scriptEnv(cp.plane.url, token) });
}

const gatehouse = (...args: string[]) => gatehouseAs(adminToken, ...args);

/** A command that succeeded with JSON on stdout and nothing on stderr. */
async function json<T>(...args: string[]): Promise<T> {
  return succeededJson<T>(await gatehouse(...args, "--json"));
}

interface TenantJson {
  id: string;
  name: string;
  servers: number;
  operators: number;
  travelers: number;
  entries: number;
  customServices: number;
  presetSwitches: number;
  createdAt: string;
}

interface ServerJson {
  id: string;
  name: string;
  tenantName: string;
  status: string;
  primaryAdminSource: string | null;
  lanRanges: string[];
  mediaOpenToAll: boolean;
  tags: string[];
  provider: string;
  region: string | null;
  revision: number;
}

beforeAll(async () => {
  [cp, bin] = await Promise.all([startTestControlPlane(), buildGatehouseBundle()]);
  adminToken = (await cp.admin.apiTokens.create.mutate({ name: "cli test" })).token;
});

afterAll(async () => {
  await cp?.stop();
  removeTemporaryDirs();
});

describe("gatehouse tenants", () => {
  it("add --json answers the new tenant with what it holds", async () => {
    const tenant = await json<TenantJson>("tenants", "add", "acme");
    expect(tenant).toEqual({ id: expect.any(String), name: "acme", createdAt: expect.any(String), servers: 0, operators: 0, travelers: 0, entries: 0, customServices: 0, presetSwitches: 0 });
  });

  it("add says how to add the tenant's first server, and a taken name is refused in one line", async () => {
    const added = await gatehouse("tenants", "add", "Bravo Logistics");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Tenant Bravo Logistics added \(id [0-9a-f-]{36}\)\.\nAdd its first server with: gatehouse servers add NAME --tenant 'Bravo Logistics'\n$/);
    expectRefused(await gatehouse("tenants", "add", "ACME"), "a tenant named acme already exists");
  });

  it("rename --json answers the renamed tenant; list --json shows it", async () => {
    expect((await json<TenantJson>("tenants", "rename", "acme", "Acme Dental")).name).toBe("Acme Dental");
    const tenants = await json<TenantJson[]>("tenants", "list");
    expect(tenants.map((tenant) => tenant.name)).toEqual(["Acme Dental", "Bravo Logistics"]);
  });

  it("a tenant admin can list their tenant but add, rename and delete none", async () => {
    const acme = (await cp.admin.tenants.list.query({})).tenants.find((tenant) => tenant.name === "Acme Dental")!;
    await cp.admin.operators.create.mutate({ email: "it@acme.example", name: "Acme IT", password: "a long enough password", role: "TENANT_ADMIN", tenantId: acme.id });
    const acmeAdmin = await cp.signIn("it@acme.example", "a long enough password");
    tenantAdminToken = (await acmeAdmin.apiTokens.create.mutate({ name: "acme script" })).token;
    const listed = await gatehouseAs(tenantAdminToken, "tenants", "list", "--json");
    expect((JSON.parse(listed.stdout) as TenantJson[]).map((tenant) => tenant.name)).toEqual(["Acme Dental"]);
    expectRefused(await gatehouseAs(tenantAdminToken, "tenants", "add", "Acme Shadow"), "only an MSP admin can do this");
    expectRefused(await gatehouseAs(tenantAdminToken, "tenants", "rename", "Acme Dental", "Mine"), "only an MSP admin can do this");
    expectRefused(await gatehouseAs(tenantAdminToken, "tenants", "delete", "Acme Dental", "--yes"), "only an MSP admin can do this");
    expectRefused(await gatehouseAs(tenantAdminToken, "tenants", "rename", "Bravo Logistics", "Mine"), "no tenant named Bravo Logistics (tenants: Acme Dental)");
    expect((await cp.admin.tenants.list.query({})).tenants.map((tenant) => tenant.name)).toEqual(["Acme Dental", "Bravo Logistics"]);
  });
});

describe("gatehouse servers", () => {
  let server: ServerJson;

  it("add warns when the server has no primary admin address", async () => {
    const added = await gatehouse("servers", "add", "pbx1", "--tenant", "Acme Dental", "--provider", "vultr");
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("Warning: no primary admin address");
    expect(added.stdout).toContain("gatehouse servers edit pbx1 --admin-address ADDRESS");
  });

  it("edit --json changes every setting at once, with repeated --tag and --lan", async () => {
    server = await json<ServerJson>("servers", "edit", "pbx1", "--admin-address", "203.0.113.10", "--lan", "192.168.10.0/24", "--lan", "10.1.0.0/16", "--media", "allowed", "--tag", "sales", "--tag", "east", "--region", "ewr");
    expect(server).toMatchObject({ name: "pbx1", tenantName: "Acme Dental", primaryAdminSource: "203.0.113.10", lanRanges: ["192.168.10.0/24", "10.1.0.0/16"], mediaOpenToAll: false, tags: ["east", "sales"], provider: "vultr", region: "ewr", status: "pending" });
    const row = await cp.db.prisma.server.findUniqueOrThrow({ where: { id: server.id } });
    expect([row.primaryAdminSource, row.lanRanges, row.mediaOpenToAll, row.tags]).toEqual(["203.0.113.10", ["192.168.10.0/24", "10.1.0.0/16"], false, ["east", "sales"]]);
  });

  it("edit in words says when the agent gets it, and warns about the default LAN ranges", async () => {
    const edited = await gatehouse("servers", "edit", "pbx1", "--lan", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16", "--media", "open", "--admin-address", "none");
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain("its agent gets it when it enrolls");
    expect(edited.stdout).toContain("Warning: no primary admin address");
    expect(edited.stdout).toContain("the LAN ranges are still the defaults");
    expect(edited.stdout).toMatch(/media ports\s+UDP 10000-20000 open to everyone/);
  });

  it("edit refuses an unknown --media choice as a usage error and a bad range with the parser's line, changing nothing", async () => {
    const before = await cp.db.prisma.server.findUniqueOrThrow({ where: { id: server.id } });
    const media = await gatehouse("servers", "edit", "pbx1", "--media", "sometimes");
    expect(media.code).not.toBe(0);
    expect(media.stderr).toMatch(/^error: option '--media <who>' argument 'sometimes' is invalid\. Allowed choices are open, allowed\./);
    expectRefused(await gatehouse("servers", "edit", "pbx1", "--lan", "8.8.8.0/24"), /^gatehouse: 8\.8\.8\.0\/24 is a public range/);
    expectRefused(await gatehouse("servers", "edit", "pbx1"), "nothing to change: give at least one setting (see `gatehouse servers edit --help`)");
    expect(await cp.db.prisma.server.findUniqueOrThrow({ where: { id: server.id } })).toEqual(before);
  });

  it("the names `servers set` had before still work", async () => {
    const edited = await json<ServerJson>("servers", "set", "pbx1", "--admin-ip", "203.0.113.11", "--lan-ranges", "none", "--media-open-to-all=false", "--tags", "sales");
    expect(edited).toMatchObject({ primaryAdminSource: "203.0.113.11", lanRanges: [], mediaOpenToAll: false, tags: ["sales"] });
  });

  it("a tenant admin cannot edit another tenant's server: it is not there for them", async () => {
    const bravo = (await cp.admin.tenants.list.query({})).tenants.find((tenant) => tenant.name === "Bravo Logistics")!;
    await cp.admin.servers.create.mutate({ tenantId: bravo.id, name: "pbx-bravo", primaryAdminSource: "198.51.100.9" });
    expectRefused(await gatehouseAs(tenantAdminToken, "servers", "edit", "pbx-bravo", "--admin-address", "203.0.113.66"), "no server named pbx-bravo (see `gatehouse servers list`)");
    expectRefused(await gatehouseAs(tenantAdminToken, "servers", "delete", "pbx-bravo", "--yes"), "no server named pbx-bravo (see `gatehouse servers list`)");
    expect((await cp.db.prisma.server.findFirstOrThrow({ where: { name: "pbx-bravo" } })).primaryAdminSource).toBe("198.51.100.9");
  });

  it("enroll --json answers a new one-time token with its commands; the old one stops working", async () => {
    const before = (await cp.db.prisma.server.findUniqueOrThrow({ where: { id: server.id } })).enrollmentTokenHash;
    const enrollment = await json<{ token: string; command: string; expiresAt: string; notes: string[] }>("servers", "enroll", "pbx1");
    expect(enrollment.command).toBe(`gatehouse-agent enroll --url ${cp.plane.url} --token ${enrollment.token}`);
    const after = (await cp.db.prisma.server.findUniqueOrThrow({ where: { id: server.id } })).enrollmentTokenHash;
    expect(after).toBe(createHash("sha256").update(enrollment.token).digest("hex"));
    expect(after).not.toBe(before);
  });

  it("revoke --json answers the revoked server", async () => {
    const revoked = await json<ServerJson>("servers", "revoke", "pbx1");
    expect(revoked.status).toBe("revoked");
    expect((await cp.db.prisma.server.findUniqueOrThrow({ where: { id: server.id } })).enrollmentTokenHash).toBeNull();
  });

  it("delete without --yes says what it would take and deletes nothing; with --yes --json it answers what went", async () => {
    await cp.admin.entries.add.mutate({ source: "192.0.2.10", services: ["sip"], scope: { kind: "SERVER", serverId: server.id } });
    expectRefused(await gatehouse("servers", "delete", "pbx1"), "deleting server Acme Dental/pbx1 cannot be undone (it takes its 1 server entry with it): add --yes to delete it");
    expect(await cp.db.prisma.server.count({ where: { id: server.id } })).toBe(1);
    expect(await json("servers", "delete", "pbx1", "--yes")).toEqual({ deleted: true, name: "pbx1", tenantName: "Acme Dental", removed: { entries: 1, presetSwitches: 0 } });
    expect(await cp.db.prisma.server.count({ where: { id: server.id } })).toBe(0);
  });
});

describe("gatehouse tenants delete", () => {
  it("refuses a tenant that still has servers, and says how to delete them", async () => {
    expectRefused(await gatehouse("tenants", "delete", "Bravo Logistics", "--yes"), "tenant Bravo Logistics still has 1 server: delete them first (`gatehouse servers list --tenant 'Bravo Logistics'`, then `gatehouse servers delete SERVER --yes`)");
  });

  it("without --yes says what would go with the tenant and deletes nothing; with --yes --json it answers what went", async () => {
    await cp.admin.entries.add.mutate({ source: "198.51.100.0/24", services: ["sip"], scope: { kind: "TENANT", tenantId: (await cp.admin.tenants.list.query({})).tenants[0]!.id } });
    expectRefused(await gatehouse("tenants", "delete", "Acme Dental"), "deleting tenant Acme Dental cannot be undone (it takes its 1 operator, 1 allowlist entry with it; its operators can no longer sign in; the audit log keeps its events): add --yes to delete it");
    expect((await cp.admin.tenants.list.query({})).tenants).toHaveLength(2);
    const deleted = await json("tenants", "delete", "Acme Dental", "--yes");
    expect(deleted).toEqual({ deleted: true, name: "Acme Dental", removed: { operators: 1, travelers: 0, entries: 1, customServices: 0, presetSwitches: 0 } });
    expect((await cp.admin.tenants.list.query({})).tenants.map((tenant) => tenant.name)).toEqual(["Bravo Logistics"]);
    // The tenant admin's token went with their account.
    expectRefused(await gatehouseAs(tenantAdminToken, "tenants", "list"), /^gatehouse: not signed in/);
  });
});
