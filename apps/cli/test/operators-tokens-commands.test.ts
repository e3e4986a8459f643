// Operators, API tokens and one's own password from the terminal, against a real control plane
// whose mail goes to a real SMTP server: invite (the link arrives by mail and is used), list,
// role, disable and enable with --json and in words; tokens created (the secret printed once),
// used as GATEHOUSE_TOKEN and revoked; `gatehouse password` from stdin. Mistakes get one
// `gatehouse: ...` line and change nothing.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRODUCTION_EXTENSIONS } from "@gatehouse/control-plane/server";
import { startTestSmtpServer, startUnderTest, TestClock, type PlaneUnderTest, type TestSmtpServer } from "@gatehouse/control-plane/testing";
import { buildGatehouseBundle, expectRefused, freshHome, runGatehouse, scriptEnv, succeededJson, type RunResult } from "./run-gatehouse.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";

const ADMIN = { email: "admin@example.net", password: "correct horse battery staple" };
let cp: PlaneUnderTest;
let smtp: TestSmtpServer;
let bin: string;
let adminToken: string;
let acmeId: string;

function gatehouseAs(token: string, args: string[], stdin?: string): Promise<RunResult> {
  return runGatehouse(args, { bin, env: scriptEnv(cp.plane.url, token), ...(stdin === undefined ? {} : { stdin }) });
}

async function json<T>(token: string, ...args: string[]): Promise<T> {
  return succeededJson<T>(await gatehouseAs(token, [...args, "--json"]));
}

/** Accepts the invitation mailed to `email` (the mail after `before` mails) with `password`. */
async function acceptMailedInvite(email: string, before: number, password: string): Promise<void> {
  const mail = (await smtp.waitForMessages(before + 1)).slice(before).find((message) => message.to.includes(email));
  const token = /#\/invite\/([A-Za-z0-9_-]{43})/.exec(mail?.text ?? "")?.[1];
  expect(token, mail?.text).toBeDefined();
  await cp.client().operators.acceptInvite.mutate({ token: token!, password });
}

beforeAll(async () => {
  [bin, smtp] = await Promise.all([buildGatehouseBundle(), startTestSmtpServer()]);
  cp = await startUnderTest(undefined, { extensions: PRODUCTION_EXTENSIONS, env: { SMTP_URL: smtp.url }, travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } }, mspAdmin: ADMIN, clock: TestClock.wall() });
  adminToken = (await cp.admin.apiTokens.create.mutate({ name: "test" })).token;
  acmeId = (await cp.admin.tenants.create.mutate({ name: "Acme" })).id;
  await cp.admin.tenants.create.mutate({ name: "Bravo" });
});
afterAll(async () => {
  await cp?.stop();
  await smtp?.close();
  removeTemporaryDirs();
});

describe("gatehouse operators", () => {
  let nadiaToken: string;

  it("invite mails a link; the person who uses it is listed with the role and tenant given", async () => {
    const before = smtp.received.length;
    const invited = await gatehouseAs(adminToken, ["operators", "invite", "nadia@acme.example", "--name", "Nadia", "--role", "tenant-admin", "--tenant", "Acme"]);
    expect(invited.stderr).toBe("");
    expect(invited.stdout).toMatch(/^Invitation mailed to nadia@acme\.example \(tenant-admin of Acme\): the link works once, until \d{4}-\d\d-\d\d \d\d:\d\dZ\.\n$/);
    await acceptMailedInvite("nadia@acme.example", before, "nadia's own passphrase");
    const listed = await json<Array<{ email: string; role: string; tenantId: string | null; disabled: boolean }>>(adminToken, "operators", "list");
    expect(listed.find((operator) => operator.email === "nadia@acme.example")).toMatchObject({ role: "TENANT_ADMIN", tenantId: acmeId, disabled: false });
    const table = await gatehouseAs(adminToken, ["operators", "list"]);
    expect(table.stdout).toMatch(/^EMAIL\s+NAME\s+ROLE\s+TENANT\s+STATE\s+SINCE\s+ID$/m);
    expect(table.stdout).toMatch(/^nadia@acme\.example\s+Nadia\s+tenant-admin\s+Acme\s+enabled\s/m);
    const invites = await json<Array<{ email: string; status: string }>>(adminToken, "operators", "invites");
    expect(invites.find((invite) => invite.email === "nadia@acme.example")?.status).toBe("accepted");
    nadiaToken = (await (await cp.signIn("nadia@acme.example", "nadia's own passphrase")).apiTokens.create.mutate({ name: "nadia's" })).token;
  });

  it("a tenant admin invites into their own tenant by default, and never an MSP admin", async () => {
    const before = smtp.received.length;
    const invited = await json<{ role: string; tenantId: string }>(nadiaToken, "operators", "invite", "vic@acme.example", "--name", "Vic", "--role", "viewer");
    expect(invited).toMatchObject({ role: "VIEWER", tenantId: acmeId });
    await acceptMailedInvite("vic@acme.example", before, "vic the viewer's passphrase");
    expectRefused(await gatehouseAs(nadiaToken, ["operators", "invite", "boss@example.net", "--name", "Boss", "--role", "msp-admin"]), /^gatehouse: .*only an MSP admin/);
    expectRefused(await gatehouseAs(nadiaToken, ["operators", "invite", "spy@bravo.example", "--name", "Spy", "--role", "viewer", "--tenant", "Bravo"]), /^gatehouse: no tenant named Bravo/);
    expectRefused(await gatehouseAs(nadiaToken, ["operators", "disable", ADMIN.email]), `no operator ${ADMIN.email} (see \`gatehouse operators list\`)`);
  });

  it("role and disable/enable change the operator; a bad role is one line and changes nothing", async () => {
    expectRefused(await gatehouseAs(adminToken, ["operators", "role", "vic@acme.example", "superuser"]), "role superuser: expected msp-admin, tenant-admin or viewer");
    const promoted = await gatehouseAs(adminToken, ["operators", "role", "vic@acme.example", "tenant-admin"]);
    expect(promoted.stdout).toBe("vic@acme.example is now tenant-admin of Acme.\n");
    const disabled = await gatehouseAs(adminToken, ["operators", "disable", "vic@acme.example"]);
    expect(disabled.stdout).toBe("vic@acme.example disabled: their sessions ended and their API tokens stop working.\n");
    expect((await errorCode(cp.signIn("vic@acme.example", "vic the viewer's passphrase")))).toBe("UNAUTHORIZED");
    expect((await gatehouseAs(adminToken, ["operators", "enable", "vic@acme.example"])).stdout).toBe("vic@acme.example enabled.\n");
    await cp.signIn("vic@acme.example", "vic the viewer's passphrase");
    const vic = (await cp.db.prisma.operator.findUniqueOrThrow({ where: { email: "vic@acme.example" } }));
    expect({ role: vic.role, disabled: vic.disabled }).toEqual({ role: "TENANT_ADMIN", disabled: false });
    expectRefused(await gatehouseAs(adminToken, ["operators", "role", ADMIN.email, "viewer"]), "a viewer belongs to a tenant: add --tenant TENANT");
  });
});

async function errorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    return (error as { data?: { code?: string } }).data?.code ?? "UNKNOWN";
  }
}

describe("gatehouse tokens", () => {
  it("create prints the secret once; it works as GATEHOUSE_TOKEN until revoked", async () => {
    const created = await gatehouseAs(adminToken, ["tokens", "create", "nightly backup", "--expires", "90d"]);
    expect(created.stderr).toBe("");
    const lines = created.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^API token "nightly backup" created \(id [0-9a-f-]{36}, until \d{4}-\d\d-\d\d \d\d:\d\dZ\)\. Its secret, shown this once:$/);
    const secret = lines[1]!;
    expect(secret).toMatch(/^gh_[A-Za-z0-9_-]{43}$/);
    expect((await gatehouseAs(secret, ["whoami"])).stdout).toContain(ADMIN.email);

    const listed = await gatehouseAs(adminToken, ["tokens", "list"]);
    expect(listed.stdout).toMatch(/^nightly backup\s+gh_\S{6}\s+active\s/m);
    expect(listed.stdout).not.toContain(secret);
    const revoked = await gatehouseAs(adminToken, ["tokens", "revoke", "nightly backup"]);
    expect(revoked.stdout).toBe('API token "nightly backup" revoked: whatever uses it is refused from now on.\n');
    expectRefused(await gatehouseAs(secret, ["servers", "list"]), /^gatehouse: .*sign in/i);
    expectRefused(await gatehouseAs(adminToken, ["tokens", "revoke", "nightly backup"]), 'no active API token named or with id nightly backup (see `gatehouse tokens list`)');
    expectRefused(await gatehouseAs(adminToken, ["tokens", "create", "x", "--expires", "yesterday"]), /^gatehouse: --expires yesterday: expected a duration/);
  });
});

const ESC = String.fromCharCode(27);
const CURSOR_MOVES = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, "g");

/**
 * Runs `gatehouse ARGS` on a terminal (util-linux's `script` gives it a pty), typing each answer
 * once the prompt before it is shown; resolves with the exit code and everything the terminal showed.
 */
function onTerminal(token: string, args: string[], answers: string[]): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, bin, ...args].map((word) => `'${word}'`).join(" ");
  const env = { ...process.env, HOME: freshHome(), GATEHOUSE_URL: cp.plane.url, GATEHOUSE_TOKEN: token, NO_COLOR: "1" };
  const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  let next = 0;
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    // The prompt library moves the cursor around its prompts; only the words matter here.
    screen += text.replace(CURSOR_MOVES, "");
    // One answer per prompt shown, typed a moment after it, as a person would.
    const prompts = screen.match(/password(?: again)?: /g)?.length ?? 0;
    while (next < Math.min(prompts, answers.length)) {
      const answer = answers[next++];
      setTimeout(() => child.stdin.write(`${answer}\r`), 100);
    }
  });
  // A prompt that never comes must fail the test with what the terminal showed, not hang it.
  const stuck = setTimeout(() => child.kill(), 20_000);
  return new Promise((resolve) => child.on("close", (code) => {
    clearTimeout(stuck);
    resolve({ code: code ?? -1, screen });
  }));
}

describe("gatehouse password", () => {
  it("asks on a terminal without echoing, and refuses two different new passwords", async () => {
    const token = (await (await cp.signIn("vic@acme.example", "vic the viewer's passphrase")).apiTokens.create.mutate({ name: "cli" })).token;
    const differ = await onTerminal(token, ["password"], ["vic the viewer's passphrase", "vic's new passphrase", "vic's other passphrase"]);
    expect(differ.code, differ.screen).toBe(1);
    expect(differ.screen).toContain("gatehouse: the two new passwords differ; nothing was changed");
    const changed = await onTerminal(token, ["password"], ["vic the viewer's passphrase", "vic's new passphrase", "vic's new passphrase"]);
    expect(changed.screen).toMatch(/Current password: \r?\nNew password: \r?\nNew password again: \r?\nPassword changed\./);
    for (const typed of ["viewer's passphrase", "new passphrase"]) expect(changed.screen).not.toContain(typed);
    expect(changed.code).toBe(0);
    await cp.signIn("vic@acme.example", "vic's new passphrase");
  });

  it("changes one's own password from stdin (current, then new), never from an argument", async () => {
    const token = (await (await cp.signIn("nadia@acme.example", "nadia's own passphrase")).apiTokens.create.mutate({ name: "cli" })).token;
    expectRefused(await gatehouseAs(token, ["password", "--password-stdin"], "wrong one\nnadia's newer passphrase\n"), "the current password is wrong");
    expectRefused(await gatehouseAs(token, ["password"]), "no terminal to ask the password: pipe it with --password-stdin");
    const changed = await gatehouseAs(token, ["password", "--password-stdin"], "nadia's own passphrase\nnadia's newer passphrase\n");
    expect(changed.stdout).toBe("Password changed. Your sign-in sessions (the console's too) have ended; API tokens keep working.\n");
    await cp.signIn("nadia@acme.example", "nadia's newer passphrase");
    expect(await errorCode(cp.signIn("nadia@acme.example", "nadia's own passphrase"))).toBe("UNAUTHORIZED");
  });
});
