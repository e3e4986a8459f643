// Text stored on the server can come from a tenant admin (a traveler's name, an entry's comment,
// a server's name) or from a compromised agent (an unresolved FQDN, an error, its version). When
// the MSP admin lists it, a raw escape sequence in it would retitle their terminal, clear it or
// colour it, and a bidi override would make a name read backwards. The real `gatehouse` binary
// against a real control plane: every such character is shown as a visible escape instead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestControlPlane, type PlaneUnderTest } from "./control-plane-fixture.ts";
import { buildGatehouseBundle, freshHome, runGatehouse, type RunResult } from "./run-gatehouse.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";

/** Retitles an xterm-like terminal (OSC 0 ... BEL). */
const RETITLE = "\u001b]0;title\u0007";
/** Clears the screen and paints red, once with ESC [ and once with the one-byte C1 CSI. */
const CLEAR_AND_PAINT = "\u001b[2J\u001b[H\u009b31mall clear";
/** "pbx-" then a right-to-left override: the rest reads backwards ("lanigiro" shows as "original"). */
const REVERSED = "pbx-\u202elanigiro\u2069";

/** Any character that would reach the terminal as a control: C0 but newline, DEL, C1, bidi. */
const RAW_CONTROL = /(?!\n)[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

let cp: PlaneUnderTest;
let bin: string;
let home: string;

function gatehouse(...args: string[]): Promise<RunResult> {
  return runGatehouse(args, { bin, env: { HOME: home, XDG_CONFIG_HOME: undefined } });
}

async function succeeded(result: Promise<RunResult>): Promise<string> {
  const { code, stdout, stderr } = await result;
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return stdout;
}

beforeAll(async () => {
  [cp, bin] = await Promise.all([startTestControlPlane(), buildGatehouseBundle()]);
  home = freshHome();
  const login = await runGatehouse(["login", "--url", cp.plane.url, "--email", ADMIN_EMAIL, "--password-stdin"], { bin, env: { HOME: home, XDG_CONFIG_HOME: undefined }, stdin: `${ADMIN_PASSWORD}\n` });
  expect(login.code, login.stderr).toBe(0);
  await succeeded(gatehouse("tenants", "add", "acme"));
  await succeeded(gatehouse("servers", "add", REVERSED, "--tenant", "acme", "--admin-ip", "203.0.113.10"));
  await succeeded(gatehouse("traveler", "add", `Bob${RETITLE}`, "--tenant", "acme", "--email", "bob@example.net"));
  await succeeded(gatehouse("add-ip", "198.51.100.7", "--server", REVERSED, "--services", "sip", "--comment", CLEAR_AND_PAINT));
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  removeTemporaryDirs();
});

describe("an MSP admin listing text others stored", () => {
  it("sees a traveler named with a retitle sequence as escapes, and the terminal title stays", async () => {
    const table = await succeeded(gatehouse("traveler", "list"));
    expect(table).not.toMatch(RAW_CONTROL);
    expect(table).toMatch(/^\d+\s+Bob\\x1b\]0;title\\x07\s+bob@example\.net\s+acme\s/m);
  });

  it("sees an entry comment carrying ESC [ and C1 CSI sequences as escapes, in the list and in the server's rules", async () => {
    const list = await succeeded(gatehouse("list", "--server", REVERSED));
    expect(list).not.toMatch(RAW_CONTROL);
    expect(list).toContain("\\x1b[2J\\x1b[H\\u009b31mall clear");

    const rules = await succeeded(gatehouse("rules", REVERSED));
    expect(rules).not.toMatch(RAW_CONTROL);
    expect(rules).toMatch(/^# pbx-\\u202elanigiro\\u2069: desired revision \d+/);
  });

  it("sees a server name with a bidi override as escapes in the server list, so it cannot pass for another name", async () => {
    const servers = await succeeded(gatehouse("servers", "list"));
    expect(servers).not.toMatch(RAW_CONTROL);
    expect(servers).toMatch(/^pbx-\\u202elanigiro\\u2069\s+acme\s/m);
  });

  it("sees a compromised agent's unresolved FQDN as escapes in the status table", async () => {
    await cp.db.prisma.server.updateMany({ where: { name: REVERSED }, data: { agentCredentialHash: "a".repeat(64), lastReport: hostileReport() } });
    const status = await succeeded(gatehouse("status"));
    expect(status).not.toMatch(RAW_CONTROL);
    expect(status).toMatch(/^pbx-\\u202elanigiro\\u2069\s+acme\s.*\sevil\\x1b\]0;title\\x07\.example\s/m);
  });

  it("gets JSON that keeps every string exactly as stored, with no raw control character in the output", async () => {
    const status = await succeeded(gatehouse("status", "--json"));
    expect(status).not.toMatch(RAW_CONTROL);
    const [server] = JSON.parse(status) as { name: string; agentVersion: string; errors: string[]; unresolved: { fqdn: string }[] }[];
    expect(server).toMatchObject({ name: REVERSED, agentVersion: `1.0${CLEAR_AND_PAINT}`, errors: [`ipset failed ${RETITLE}`], unresolved: [{ fqdn: `evil${RETITLE}.example` }] });

    const travelers = await succeeded(gatehouse("traveler", "list", "--json"));
    expect(travelers).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(travelers) as { name: string }[]).map((t) => t.name)).toEqual([`Bob${RETITLE}`]);
  });

  it("sees the server's error message, which quotes what was sent, with its escapes visible on stderr", async () => {
    const refused = await gatehouse("add-ip", "198.51.100.9", "--server", REVERSED, "--services", `x${RETITLE}`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toMatch(RAW_CONTROL);
    expect(refused.stderr).toBe("gatehouse: unknown service: x\\x1b]0;title\\x07\n");
  });
});

/** A report as a compromised agent could send it: every free-text field carries controls. */
function hostileReport() {
  return {
    appliedRevision: 1,
    rulesetHash: "0".repeat(64),
    desiredHash: "0".repeat(64),
    setSizes: {},
    ruleCount: 0,
    unresolved: [{ fqdn: `evil${RETITLE}.example`, error: `NXDOMAIN${CLEAR_AND_PAINT}` }],
    resolutions: [],
    errors: [`ipset failed ${RETITLE}`],
    agentVersion: `1.0${CLEAR_AND_PAINT}`,
    backend: "nftables",
    receivedAt: new Date().toISOString(),
  };
}
