// Alert rules and the audit log from the terminal, against a real control plane: a webhook rule
// added with its secret printed once, tested through a real HTTP listener that checks the
// signature, listed and removed; the audit log read in words and exported as CSV.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PRODUCTION_EXTENSIONS } from "@gatehouse/control-plane/server";
import { startUnderTest, TestClock, type PlaneUnderTest } from "@gatehouse/control-plane/testing";
import { buildGatehouseBundle, freshHome, runGatehouse } from "./run-gatehouse.ts";
import { removeTemporaryDirs } from "./temporary-dirs.ts";

let cp: PlaneUnderTest;
let bin: string;
let token: string;
const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  req.on("end", () => {
    hooks.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
});
let hookUrl: string;

const gatehouse = (...args: string[]) => runGatehouse(args, { bin, env: { HOME: freshHome(), XDG_CONFIG_HOME: undefined, GATEHOUSE_URL: cp.plane.url, GATEHOUSE_TOKEN: token } });

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  [cp, bin] = await Promise.all([
    startUnderTest(undefined, { extensions: PRODUCTION_EXTENSIONS, env: { ALERT_WEBHOOK_ALLOW_PRIVATE: "true" }, clock: TestClock.wall() }),
    buildGatehouseBundle(),
  ]);
  token = (await cp.admin.apiTokens.create.mutate({ name: "cli test" })).token;
  const tenant = await cp.admin.tenants.create.mutate({ name: "acme" });
  await cp.admin.servers.create.mutate({ tenantId: tenant.id, name: "pbx1" });
});

afterAll(async () => {
  await cp?.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  removeTemporaryDirs();
});

describe("gatehouse alerts", () => {
  let secret = "";

  it("add --json answers the rule and its signing secret, once", async () => {
    const added = await gatehouse("alerts", "add", "noc", "--on", "server.offline,server.drift", "--webhook", hookUrl, "--json");
    expect(added.stderr).toBe("");
    const answer = JSON.parse(added.stdout) as { rule: { name: string; kinds: string[] }; webhookSecret: string };
    expect(answer.rule).toMatchObject({ name: "noc", kinds: ["server.offline", "server.drift"] });
    secret = answer.webhookSecret;
    expect(secret).toMatch(/^whsec_/);
    const listed = await gatehouse("alerts", "list");
    expect(listed.stdout).toContain("noc");
    expect(listed.stdout).toContain("(fleet)");
    expect(listed.stdout).not.toContain(secret);
  });

  it("test sends a signed alert to the webhook", async () => {
    const tested = await gatehouse("alerts", "test", "noc");
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/^Test alert queued for noc/);
    await vi.waitFor(() => expect(hooks).toHaveLength(1), { timeout: 10_000 });
    const [hook] = hooks;
    const timestamp = String(hook?.headers["x-gatehouse-timestamp"]);
    expect(hook?.headers["x-gatehouse-signature"]).toBe(`v1=${createHmac("sha256", secret).update(`${timestamp}.${hook?.body}`).digest("hex")}`);
  });

  it("refuses unknown alert kinds and a rule with two channels in one line", async () => {
    const unknown = await gatehouse("alerts", "add", "x", "--on", "server.exploded", "--email", "a@example.net");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^gatehouse: --on server\.exploded: expected a comma-separated list of server\.offline, /);
    const both = await gatehouse("alerts", "add", "x", "--on", "server.offline", "--email", "a@example.net", "--webhook", hookUrl);
    expect(both.stderr).toBe("gatehouse: give exactly one of --email ADDRESS or --webhook URL\n");
  });

  it("a tenant rule by e-mail, then remove by name", async () => {
    const added = await gatehouse("alerts", "add", "acme on-call", "--tenant", "acme", "--on", "server.offline", "--email", "oncall@acme.example");
    expect(added.stdout).toMatch(/^Alert rule acme on-call added \(id [0-9a-f-]{36}\): server\.offline → oncall@acme\.example\.\n$/);
    expect((await gatehouse("alerts", "list", "--tenant", "acme")).stdout).toMatch(/^acme on-call\s+acme\s+server\.offline\s+oncall@acme\.example/m);
    const removed = await gatehouse("alerts", "remove", "acme on-call", "--json");
    expect((JSON.parse(removed.stdout) as { name: string }).name).toBe("acme on-call");
    expect((await cp.admin.alerts.list.query({})).map((rule) => rule.name)).toEqual(["noc"]);
  });
});

describe("gatehouse audit", () => {
  it("says what happened in words", async () => {
    const listed = await gatehouse("audit", "--limit", "100");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("created server pbx1");
    expect(listed.stdout).toContain("alert_rule.created");
  });

  it("--csv prints the log as CSV", async () => {
    const exported = await gatehouse("audit", "--csv");
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trimEnd().split("\r\n");
    expect(lines[0]).toBe('"at","actor","actor id","action","tenant","target type","target","target id","summary","changes","event id"');
    expect(exported.stdout).toContain('"created server pbx1"');
  });
});
