// An operator edits entries and imports a file of them from the terminal, with the real
// `gatehouse` binary against a running control plane: a dry run shows each line's fate and
// writes nothing, a bad line refuses the whole file in one `gatehouse: ...` line, and
// --valid-only or a clean file writes everything at once.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type PlaneUnderTest } from "./control-plane-fixture.ts";
import { buildGatehouseBundle, runGatehouse, type RunResult } from "./run-gatehouse.ts";
import { removeTemporaryDirs, temporaryDir } from "./temporary-dirs.ts";

let cp: PlaneUnderTest;
let bin: string;
let env: Record<string, string>;
let acmeId: string;
let pbx1: string;

function gatehouse(args: string[], stdin?: string): Promise<RunResult> {
  return runGatehouse(args, { bin, env: { ...env, HOME: temporaryDir("home") }, ...(stdin === undefined ? {} : { stdin }) });
}

async function entriesOf(source: string) {
  return (await cp.admin.entries.list.query({ source, includeExpired: true })).entries;
}

beforeAll(async () => {
  [cp, bin] = await Promise.all([startTestControlPlane(), buildGatehouseBundle()]);
  const acme = await cp.admin.tenants.create.mutate({ name: "acme" });
  acmeId = acme.id;
  pbx1 = (await cp.admin.servers.create.mutate({ tenantId: acme.id, name: "pbx1", tags: ["sales"] })).server.id;
  const { token } = await cp.admin.apiTokens.create.mutate({ name: "cli test" });
  env = { GATEHOUSE_URL: cp.plane.url, GATEHOUSE_TOKEN: token };
});

afterAll(async () => {
  await cp?.stop();
  removeTemporaryDirs();
});

describe("gatehouse allow edit", () => {
  it("changes an entry's services and comment, then moves it to the tenant", async () => {
    await cp.admin.entries.add.mutate({ source: "198.51.100.7", services: ["sip"], scope: { kind: "SERVER", serverId: pbx1 }, comment: "Bob" });
    const edited = await gatehouse(["allow", "edit", "198.51.100.7", "--server", "pbx1", "--services", "sip,rtp", "--comment", "Bob at home"]);
    expect(edited).toMatchObject({ code: 0, stderr: "" });
    expect(edited.stdout).toMatch(/^Changed 198\.51\.100\.7: rtp,sip on server acme\/pbx1 \("Bob at home"\) \(entry [0-9a-f]{8}\)\.\n$/);

    const moved = await gatehouse(["--json", "allow", "edit", "198.51.100.7", "--to", "tenant:acme"]);
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ source: "198.51.100.7", scope: "TENANT", tenantId: acmeId, serverId: null, services: ["rtp", "sip"], comment: "Bob at home" });
    expect((await entriesOf("198.51.100.7")).map((e) => [e.scope, e.services])).toEqual([["TENANT", ["rtp", "sip"]]]);
  });

  it("usage errors are one gatehouse: line and change nothing", async () => {
    const before = await entriesOf("198.51.100.7");
    const cases: [string[], string][] = [
      [["allow", "edit", "198.51.100.7"], "gatehouse: say what to change: --services, --comment and/or --to\n"],
      [["allow", "edit", "198.51.100.7", "--to", "nowhere"], "gatehouse: --to nowhere: expected server:NAME, tenant:NAME, group:TENANT:GROUP or fleet\n"],
      [["allow", "edit", "203.0.113.99", "--comment", "x"], "gatehouse: no allow entry matches 203.0.113.99 (see `gatehouse list --source 203.0.113.99`)\n"],
      [["allow", "edit", "198.51.100.7", "--services", "fax"], "gatehouse: unknown service: fax\n"],
    ];
    for (const [args, stderr] of cases) expect(await gatehouse(args)).toMatchObject({ code: 1, stdout: "", stderr });
    expect(await entriesOf("198.51.100.7")).toEqual(before);
  });
});

describe("gatehouse import", () => {
  const file = () => {
    const path = join(temporaryDir("import"), "trunks.csv");
    writeFileSync(path, 'source,services,comment,expiry\n203.0.113.20, sip rtp, Trunk A,\ntrunk-b.example.net, "sip,rtp", "Trunk B, backup", 7d\n203.0.113.300, sip, typo\n');
    return path;
  };

  it("--dry-run shows each line's result, the parser's message for the bad one, and writes nothing", async () => {
    const result = await gatehouse(["import", file(), "--tenant", "acme", "--dry-run"]);
    expect(result.stderr).toBe("gatehouse: dry run on tenant acme: 1 of 3 lines would be refused (see above); nothing was written\n");
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^LINE\s+RESULT\s+SOURCE\s+SERVICES\s+EXPIRES\s+COMMENT \/ WHY NOT$/);
    expect(lines[1]).toMatch(/^2\s+ok\s+203\.0\.113\.20\s+rtp,sip\s+never\s+Trunk A$/);
    expect(lines[2]).toMatch(/^3\s+ok\s+trunk-b\.example\.net\s+rtp,sip\s+\S.*Trunk B, backup$/);
    expect(lines[3]).toMatch(/^4\s+refused\s+203\.0\.113\.300, sip, typo\s+-\s+-\s+203\.0\.113\.300 is not an IPv4 address: octet 4 is 300$/);
    expect(await entriesOf("203.0.113.20")).toEqual([]);

    const json = await gatehouse(["--json", "import", file(), "--tenant", "acme", "--dry-run"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: 2, lines: [{ line: 2, ok: true }, { line: 3, ok: true }, { line: 4, ok: false }] });
  });

  it("a bad line refuses the whole file in one line; --valid-only imports the rest at once", async () => {
    const refused = await gatehouse(["import", file(), "--tenant", "acme"]);
    expect(refused).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "gatehouse: 1 of 3 lines cannot be imported, so nothing was (line 4: 203.0.113.300 is not an IPv4 address: octet 4 is 300); fix them, or import the 2 valid lines only\n",
    });
    expect(await entriesOf("203.0.113.20")).toEqual([]);

    const partial = await gatehouse(["import", file(), "--tenant", "acme", "--valid-only"]);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain("Imported 2 entries on tenant acme; skipped 1 refused line.");
    expect((await entriesOf("trunk-b.example.net")).map((e) => [e.scope, e.services, e.comment])).toEqual([["TENANT", ["rtp", "sip"], "Trunk B, backup"]]);
  });

  it("reads lines from stdin with -, and says what is wrong with the command line before calling", async () => {
    const clean = await gatehouse(["import", "-", "--server", "pbx1", "--dry-run"], "192.0.2.40, ssh, Admin VPN, 12h\n");
    expect(clean).toMatchObject({ code: 0, stderr: "" });
    expect(clean.stdout).toContain("Dry run on server acme/pbx1: all 1 lines would be imported; nothing was written.");
    const piped = await gatehouse(["--json", "import", "-", "--server", "pbx1"], "192.0.2.40, ssh, Admin VPN, 12h\n");
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ skipped: 0, entries: [{ source: "192.0.2.40", services: ["ssh"], scope: "SERVER", serverId: pbx1 }] });

    const cases: [string[], string][] = [
      [["import", "/nonexistent/trunks.csv", "--tenant", "acme"], "gatehouse: cannot read /nonexistent/trunks.csv: no such file\n"],
      [["import", file()], "gatehouse: say where it applies: --server NAME, --tenant NAME, --group TENANT:GROUP or --fleet\n"],
      [["import", file(), "--tenant", "acme", "--dry-run", "--valid-only"], "gatehouse: choose --dry-run or --valid-only, not both\n"],
    ];
    for (const [args, stderr] of cases) expect(await gatehouse(args)).toMatchObject({ code: 1, stdout: "", stderr });
  });
});
