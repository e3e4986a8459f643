// An operator's session with the `gatehouse` binary against a running control plane: sign in,
// add a tenant and a server, allow addresses the Travelin' Man 3 way, see them in the list
// and in the server's effective ruleset, remove them, check the fleet and the audit log.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseSource } from "@gatehouse/core";
import { removeTemporaryDirs } from "./temporary-dirs.ts";
import { AgentOnTestHost } from "./agent-process.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestControlPlane, type PlaneUnderTest } from "./control-plane-fixture.ts";
import { buildGatehouseBundle, freshHome, runGatehouse as runBinary, type RunOptions, type RunResult } from "./run-gatehouse.ts";

let cp: PlaneUnderTest;
let home: string;
let bin: string;
let enrollCommand: string;
const agent = new AgentOnTestHost();

function runGatehouse(args: string[], options: RunOptions): Promise<RunResult> {
  return runBinary(args, { ...options, bin });
}

/** Runs as the signed-in operator (credentials from `gatehouse login` in `home`). */
function gatehouse(...args: string[]): Promise<RunResult> {
  return runGatehouse(args, { env: { HOME: home, XDG_CONFIG_HOME: undefined } });
}

function parserMessage(text: string): string {
  try {
    parseSource(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} parses; the test needs a bad address`);
}

interface ListedEntry {
  id: string;
  source: string;
  kind: string;
  services: string[];
  scope: string;
  serverId: string | null;
  comment: string;
}

async function listedEntries(...filters: string[]): Promise<ListedEntry[]> {
  const result = await gatehouse("list", "--json", ...filters);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ListedEntry[];
}

beforeAll(async () => {
  [cp, bin] = await Promise.all([startTestControlPlane(), buildGatehouseBundle()]);
  home = freshHome();
});

afterAll(async () => {
  await agent.stop();
  await cp?.stop();
  removeTemporaryDirs();
});

describe("an operator at the terminal", () => {
  it("is refused with the server's message when the password is wrong, and nothing is stored", async () => {
    const result = await runGatehouse(["login", "--url", cp.plane.url, "--email", ADMIN_EMAIL, "--password-stdin"], {
      env: { HOME: home, XDG_CONFIG_HOME: undefined },
      stdin: "not the password\n",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^gatehouse: .+\n$/);
    expect(result.stderr).not.toContain("not the password");
    expect(() => statSync(join(home, ".config", "gatehouse", "credentials.json"))).toThrow();
  });

  it("signs in with --password-stdin; an API token, not the password, is kept in a file only they can read", async () => {
    const result = await runGatehouse(["login", "--url", cp.plane.url, "--email", ADMIN_EMAIL, "--password-stdin"], {
      env: { HOME: home, XDG_CONFIG_HOME: undefined },
      stdin: `${ADMIN_PASSWORD}\n`,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Signed in to ${cp.plane.url} as ${ADMIN_EMAIL}`);

    const path = join(home, ".config", "gatehouse", "credentials.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain(ADMIN_PASSWORD);
    const stored = JSON.parse(text) as { url: string; token: string; kind: string; tokenId: string };
    expect(stored).toMatchObject({ url: cp.plane.url, kind: "api-token" });
    const token = await cp.db.prisma.apiToken.findUniqueOrThrow({ where: { id: stored.tokenId } });
    expect(token.tokenHash).toBe(createHash("sha256").update(stored.token).digest("hex"));
    // The sign-in session was only a means to create the token: it is gone.
    expect(await cp.db.prisma.session.count()).toBe(0);

    const whoami = await gatehouse("whoami");
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain(ADMIN_EMAIL);
  });

  it("adds a tenant and a server, and is given the exact command that enrolls the server's agent", async () => {
    expect((await gatehouse("tenants", "add", "acme")).code).toBe(0);
    const tenants = JSON.parse((await gatehouse("tenants", "list", "--json")).stdout) as { name: string }[];
    expect(tenants.map((t) => t.name)).toEqual(["acme"]);

    const result = await gatehouse("servers", "add", "pbx1", "--tenant", "acme", "--tags", "sales", "--admin-ip", "203.0.113.10");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const command = /^\s*(gatehouse-agent enroll --url (\S+) --token (\S+))$/m.exec(result.stdout);
    expect(command, result.stdout).not.toBeNull();
    expect(command![2]).toBe(cp.plane.url);
    // The printed token is the server's live one-time enrollment token.
    const server = await cp.db.prisma.server.findFirstOrThrow({ where: { name: "pbx1" } });
    expect(server.enrollmentTokenHash).toBe(createHash("sha256").update(command![3]!).digest("hex"));
    enrollCommand = command![1]!;

    const listed = await gatehouse("servers", "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^NAME\s+TENANT\s+STATUS/);
    expect(listed.stdout).toMatch(/^pbx1\s+acme\s+pending\s/m);
  });

  it("enrolls the server by running the printed command; once its agent runs, status shows it online and in sync", async () => {
    const enrolled = await agent.runPrinted(enrollCommand);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    agent.start();
    const row = await vi.waitUntil(async () => {
      const result = await gatehouse("status", "--json");
      const [status] = JSON.parse(result.stdout) as { name: string; online: boolean; inSync: boolean; desiredRevision: number }[];
      return status?.online && status.inSync ? status : undefined;
    }, { timeout: 30_000, interval: 200 });
    expect(row.name).toBe("pbx1");

    const table = await gatehouse("status");
    expect(table.stderr).toBe("");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^SERVER\s+TENANT\s+ONLINE\s+DESIRED\s+APPLIED\s+IN SYNC\s+DRIFT\s+UNRESOLVED FQDNS\s+LAST SEEN$/m);
    expect(table.stdout).toMatch(new RegExp(`^pbx1\\s+acme\\s+yes\\s+${row.desiredRevision}\\s+${row.desiredRevision}\\s+yes\\s+none\\s+-\\s+\\d+s ago$`, "m"));
    expect(table.stdout).toContain("1 server: all online and in sync.");
  });

  it("allows an address with add-ip and sees it in the list, as a table and as JSON", async () => {
    const added = await gatehouse("add-ip", "198.51.100.7", "--server", "pbx1", "--services", "sip,rtp", "--comment", "Bob at home");
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Allowed 198\.51\.100\.7 for rtp,sip on server acme\/pbx1 \(entry [0-9a-f]{8}\)\.$/m);

    const table = await gatehouse("list", "--server", "pbx1");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+SOURCE\s+SERVICES\s+SCOPE\s+ORIGIN\s+EXPIRES\s+COMMENT$/m);
    expect(table.stdout).toMatch(/^[0-9a-f]{8}\s+198\.51\.100\.7\s+rtp,sip\s+server acme\/pbx1\s+operator\s+never\s+Bob at home$/m);

    const entries = await listedEntries("--server", "pbx1");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ source: "198.51.100.7", kind: "ip", services: ["rtp", "sip"], scope: "SERVER", comment: "Bob at home" });
  });

  it("allows a host name with add-fqdn, and each alias refuses the other kind of source", async () => {
    const added = await gatehouse("add-fqdn", "Bob-Home.DynDNS.example", "--tenant", "acme", "--services", "all", "--expires", "7d");
    expect(added.stderr).toBe("gatehouse: warning: --services all opens every port to bob-home.dyndns.example, SSH, HTTP and TFTP too\n");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Allowed bob-home\.dyndns\.example for all on tenant acme, until \d{4}-\d\d-\d\d \d\d:\d\dZ/);

    const ipAsFqdn = await gatehouse("add-fqdn", "198.51.100.8", "--server", "pbx1", "--services", "sip");
    expect(ipAsFqdn.code).toBe(1);
    expect(ipAsFqdn.stderr).toBe("gatehouse: 198.51.100.8 is an IP address, not a host name (use add-ip)\n");
    const fqdnAsIp = await gatehouse("add-ip", "sip.example.net", "--server", "pbx1", "--services", "sip");
    expect(fqdnAsIp.code).toBe(1);
    expect(fqdnAsIp.stderr).toBe("gatehouse: sip.example.net is a host name, not an IP address or CIDR (use add-fqdn)\n");

    const sources = (await listedEntries()).map((e) => e.source).sort();
    expect(sources).toEqual(["198.51.100.7", "bob-home.dyndns.example"]);
  });

  it("is shown the parser's message for a bad address, with a non-zero exit, and nothing is added", async () => {
    for (const bad of ["198.51.100.300", "0.0.0.0/0", "203.0.113.7/33"]) {
      const result = await gatehouse("add-ip", bad, "--server", "pbx1", "--services", "sip");
      expect(result.code, bad).toBe(1);
      expect(result.stderr).toBe(`gatehouse: ${parserMessage(bad)}\n`);
      expect(result.stdout).toBe("");
    }
    expect(await listedEntries()).toHaveLength(2);
  });

  it("sees the allowed address in the server's effective ruleset, like iptables -nL", async () => {
    const result = await gatehouse("rules", "pbx1");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# pbx1: desired revision \d+/);
    expect(result.stdout).toContain("Chain GATEHOUSE");
    expect(result.stdout).toMatch(/^198\.51\.100\.7$/m);
    expect(result.stdout).toContain("bob-home.dyndns.example  (host name, resolved on the agent)");
    expect(result.stdout).toMatch(/^203\.0\.113\.10$/m); // the primary admin address, always allowed
    // Open flows pass only as replies, so a revoked source's own packets meet the sets again.
    expect(result.stdout).toMatch(/^DROP +all .* ctstate INVALID$/m);
    expect(result.stdout).toMatch(/^ACCEPT +all .* ctstate ESTABLISHED ctdir REPLY$/m);

    const json = JSON.parse((await gatehouse("rules", "pbx1", "--json")).stdout) as { listing: string; fqdns: string[] };
    expect(json.fqdns).toEqual(["bob-home.dyndns.example"]);
  });

  it("removes an entry with del-acct, after which neither the list nor the ruleset has it", async () => {
    const result = await gatehouse("del-acct", "198.51.100.7", "--server", "pbx1");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Removed 198\.51\.100\.7 \(rtp,sip\) from server acme\/pbx1/);

    expect((await listedEntries()).map((e) => e.source)).toEqual(["bob-home.dyndns.example"]);
    expect((await gatehouse("rules", "pbx1")).stdout).not.toMatch(/^198\.51\.100\.7$/m);

    const again = await gatehouse("del-acct", "198.51.100.7", "--server", "pbx1");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^gatehouse: no allow entry matches 198\.51\.100\.7 in that scope/);
  });

  it("is not left to guess when a source is allowed in two scopes: the candidates are listed, and an id picks one", async () => {
    await gatehouse("allow", "203.0.113.50", "--server", "pbx1", "--services", "sip");
    await gatehouse("allow", "203.0.113.50", "--fleet", "--services", "ssh");
    const ambiguous = await gatehouse("remove", "203.0.113.50");
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/^gatehouse: 203\.0\.113\.50 matches 2 entries \([0-9a-f]{8} 203\.0\.113\.50 on (server acme\/pbx1|fleet); [0-9a-f]{8} 203\.0\.113\.50 on (server acme\/pbx1|fleet)\): add --server\/--tenant\/--group\/--fleet, give the entry id, or --all\n$/);
    expect(await listedEntries("--source", "203.0.113.50")).toHaveLength(2);

    const [fleetEntry] = await listedEntries("--source", "203.0.113.50", "--fleet");
    const byId = await gatehouse("remove", fleetEntry!.id.slice(0, 8));
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(/^Removed 203\.0\.113\.50 \(ssh\) from fleet/);
    const rest = await gatehouse("remove", "203.0.113.50", "--all", "--json");
    expect(rest.code).toBe(0);
    expect((JSON.parse(rest.stdout) as ListedEntry[]).map((e) => e.scope)).toEqual(["SERVER"]);
    expect(await listedEntries("--source", "203.0.113.50")).toEqual([]);
  });

  it("removes a source written as they typed it, not as it is stored: PBX.Example.COM. (trailing dot) and 2001:DB8:0:0::7", async () => {
    await gatehouse("add-fqdn", "pbx.example.com", "--server", "pbx1", "--services", "sip");
    await gatehouse("add-ip", "2001:db8::7", "--server", "pbx1", "--services", "sip,rtp");
    const fqdn = await gatehouse("remove", "PBX.Example.COM.", "--server", "pbx1");
    expect(fqdn.stderr).toBe("");
    expect(fqdn.stdout).toMatch(/^Removed pbx\.example\.com \(sip\) from server acme\/pbx1/);
    const ip = await gatehouse("remove", "2001:DB8:0:0::7", "--server", "pbx1");
    expect(ip.stderr).toBe("");
    expect(ip.stdout).toMatch(/^Removed 2001:db8::7 \(rtp,sip\) from server acme\/pbx1/);
    expect((await listedEntries("--source", "pbx.example.com")).map((e) => e.source)).toEqual([]);
    expect(await listedEntries("--source", "2001:db8::7")).toEqual([]);
  });

  it("sees in the fleet's status that the agent applied every change, and which host name it could not resolve", async () => {
    // bob-home.dyndns.example is a documentation name: it resolves nowhere, and the agent says so.
    const row = await vi.waitUntil(async () => {
      const [status] = JSON.parse((await gatehouse("status", "--json")).stdout) as { inSync: boolean; unresolved: { fqdn: string }[] }[];
      return status?.inSync && status.unresolved.length > 0 ? status : undefined;
    }, { timeout: 30_000, interval: 200 });
    expect(row.unresolved.map((u) => u.fqdn)).toEqual(["bob-home.dyndns.example"]);

    const table = await gatehouse("status");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^pbx1\s+acme\s+yes\s+(\d+)\s+\1\s+yes\s+none\s+bob-home\.dyndns\.example\s+\d+s ago$/m);
    expect(table.stdout).toContain("1 server: 1 with unresolved FQDNs.");

    const problems = JSON.parse((await gatehouse("status", "--problems", "--json")).stdout) as { name: string }[];
    expect(problems.map((p) => p.name)).toEqual(["pbx1"]);
  });

  it("manages a traveler: add (PIN shown once), grant, see the grant in the ruleset, revoke it, reset the PIN", async () => {
    const chosen = await gatehouse("traveler", "add", "Bob Smith", "--tenant", "acme", "--account", "4711", "--email", "bob@example.net");
    expect(chosen.code).not.toBe(0);
    expect(chosen.stderr).toContain("unknown option '--account'");

    const added = await gatehouse("traveler", "add", "Bob Smith", "--tenant", "acme", "--email", "bob@example.net", "--grant-lifetime", "3d");
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Traveler Bob Smith added to tenant acme, account number [1-9]\d{7}\.\nPIN: \d{6,16} {2}\(shown only this once/);
    const account = /account number (\d+)/.exec(added.stdout)?.[1] ?? "";

    const granted = await gatehouse("traveler", "grant", account, "198.51.100.23");
    expect(granted.stderr).toBe("");
    expect(granted.stdout).toMatch(/^Allowed 198\.51\.100\.23 for Bob Smith until /);
    expect((await gatehouse("traveler", "list")).stdout).toMatch(new RegExp(`^${account}\\s+Bob Smith\\s+bob@example\\.net\\s+acme\\s+yes\\s+-\\s+whole tenant\\s+\\S+\\s+1$`, "m"));
    expect((await gatehouse("rules", "pbx1")).stdout).toMatch(/^198\.51\.100\.23$/m);

    const revoked = await gatehouse("traveler", "revoke", account, "198.51.100.23");
    expect(revoked.stderr).toBe("");
    expect(revoked.stdout).toMatch(/^Revoked 198\.51\.100\.23 of Bob Smith/);
    expect(JSON.parse((await gatehouse("traveler", "grants", account, "--json")).stdout)).toEqual([]);
    expect((await gatehouse("rules", "pbx1")).stdout).not.toMatch(/^198\.51\.100\.23$/m);

    const again = await gatehouse("traveler", "revoke", account);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^gatehouse: Bob Smith has no active grant/);

    const reset = await gatehouse("traveler", "reset-pin", "bob@example.net");
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(new RegExp(`^New PIN for Bob Smith \\(account ${account}\\): \\d{6,16}`));
    const tooShort = await runGatehouse(["traveler", "reset-pin", account, "--pin-stdin"], { env: { HOME: home, XDG_CONFIG_HOME: undefined }, stdin: "12" });
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toBe("gatehouse: PIN: a PIN is 6 to 16 digits\n");
  });

  it("reads in the audit log who allowed and removed what", async () => {
    const result = await gatehouse("audit", "--action", "entry.");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^AT\s+ACTOR\s+ACTION\s+WHAT\s+CHANGES$/m);
    expect(result.stdout).toMatch(/^\S+ \S+\s+.*admin@example\.net\)?\s+entry\.removed\s+removed 198\.51\.100\.7 \([A-Z, -]+|all services\) from \S+/m);
    expect(result.stdout).toMatch(/^\S+ \S+\s+.*admin@example\.net\)?\s+entry\.created\s+allowed bob-home\.dyndns\.example for .+ on \S+/m);

    const events = JSON.parse((await gatehouse("audit", "--json", "--action", "server.created")).stdout) as { action: string }[];
    expect(events.map((e) => e.action)).toEqual(["server.created"]);
  });

  it("signs out: the token is revoked on the server and forgotten here", async () => {
    const path = join(home, ".config", "gatehouse", "credentials.json");
    const { token } = JSON.parse(readFileSync(path, "utf8")) as { token: string };
    const result = await gatehouse("logout");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("API token revoked");
    expect(() => statSync(path)).toThrow();

    const withOldToken = await runGatehouse(["list"], { env: { HOME: freshHome(), GATEHOUSE_URL: cp.plane.url, GATEHOUSE_TOKEN: token } });
    expect(withOldToken.code).toBe(1);
    expect(withOldToken.stderr).toMatch(/^gatehouse: not signed in \(.+\): run `gatehouse login` or set GATEHOUSE_TOKEN\n$/);
  });
});
