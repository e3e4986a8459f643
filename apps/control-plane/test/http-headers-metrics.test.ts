// What a browser and a stranger see on every answer of the control plane: HSTS when it is
// served over https, no sniffing, no framing, no caching of API answers; and /metrics only for
// the holder of METRICS_TOKEN, or for this host when nothing else can reach the port.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from "@gatehouse/testkit/database";
import { loadEnv } from "../src/env.ts";
import { agentHubExtension } from "../src/hub/agent-hub-extension.ts";
import { isLoopback, metricsAccess } from "../src/http/metrics-access.ts";
import { STRICT_TRANSPORT_SECURITY } from "../src/http/security-headers.ts";
import { createLogger } from "../src/logger.ts";
import { startControlPlane, type ControlPlane } from "../src/server.ts";
import { travelersExtension } from "../src/travelers/extension.ts";
import { ADMIN_EMAIL, testEnv } from "./kit/index.ts";

const METRICS_TOKEN = "metrics-token-for-the-tests";

interface Plane {
  plane: ControlPlane;
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

const planes: Plane[] = [];
let db: TestDatabase;
let webDir: string;

/** A real control plane with the production extensions and a built console, logging into `logs`. */
async function start(env: Record<string, string>): Promise<Plane> {
  const logs: Array<Record<string, unknown>> = [];
  const dataDir = await mkdtemp(join(tmpdir(), "gh-headers-"));
  const plane = await startControlPlane(testEnv({ DATA_DIR: dataDir, ...env }), {
    prisma: db.prisma,
    logger: createLogger("info", { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }),
    print: () => undefined,
    webDistDir: webDir,
    startSweeper: false,
    extensions: [agentHubExtension(), travelersExtension()],
  });
  const started: Plane = { plane, logs, close: async () => {
    await plane.close();
    await rm(dataDir, { recursive: true, force: true });
  } };
  planes.push(started);
  return started;
}

beforeAll(async () => {
  db = await createTestDatabase(testDatabaseKinds()[0]);
  webDir = await mkdtemp(join(tmpdir(), "gh-web-"));
  await mkdir(join(webDir, "assets"));
  await writeFile(join(webDir, "index.html"), "<!doctype html><title>Gatehouse</title>");
  await writeFile(join(webDir, "assets", "app-1234.js"), "console.log('console');");
});
afterAll(async () => {
  for (const plane of planes) await plane.close();
  await db.drop();
  await rm(webDir, { recursive: true, force: true });
});

describe("every answer of a control plane served over https", () => {
  let url: string;
  beforeAll(async () => {
    url = (await start({ PUBLIC_URL: "https://gatehouse.example.net", METRICS_TOKEN })).plane.url;
  });

  const API_ANSWERS: Array<[string, string, RequestInit?]> = [
    ["a tRPC query", "/trpc/auth.me"],
    ["a failed sign-in", "/trpc/auth.login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: ADMIN_EMAIL, password: "wrong password, long" }) }],
    ["an unknown procedure", "/trpc/no.such.procedure"],
    ["the health check", "/healthz"],
    ["metrics without the token", "/metrics"],
    ["an agent's enrollment", "/agent/enroll", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }],
    ["the traveler page", "/traveler"],
    ["an unknown path", "/no/such/thing.json"],
  ];

  it.each(API_ANSWERS)("%s: HSTS, nosniff, no framing, no caching", async (_story, path, init) => {
    const response = await fetch(`${url}${path}`, init);
    expect(response.headers.get("strict-transport-security")).toBe(STRICT_TRANSPORT_SECURITY);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("the console's hashed assets may be cached, but are never sniffed or framed either", async () => {
    for (const path of ["/", "/assets/app-1234.js"]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("strict-transport-security")).toBe(STRICT_TRANSPORT_SECURITY);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
    expect((await fetch(`${url}/assets/app-1234.js`)).headers.get("cache-control")).toContain("immutable");
  });
});

describe("a control plane served over plain http", () => {
  it("sends no HSTS (a browser would ignore it, and it would lock a test host out of http)", async () => {
    const { plane } = await start({});
    const response = await fetch(`${plane.url}/healthz`);
    expect(response.headers.get("strict-transport-security")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("who may read /metrics", () => {
  it("with METRICS_TOKEN: only a request with that bearer token", async () => {
    const { plane } = await start({ METRICS_TOKEN });
    expect((await fetch(`${plane.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${plane.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${plane.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
  });

  it("listening on loopback without a token: this host may read them", async () => {
    const { plane, logs } = await start({ HOST: "127.0.0.1" });
    expect((await fetch(`${plane.url}/metrics`)).status).toBe(200);
    expect(logs.some((line) => String(line.msg).includes("for this host only"))).toBe(true);
  });

  it("listening on every interface without a token: /metrics is off, and the start log says why", async () => {
    const { plane, logs } = await start({ HOST: "0.0.0.0" });
    const response = await fetch(`http://127.0.0.1:${plane.port}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("gatehouse_");
    expect(logs).toContainEqual(expect.objectContaining({ msg: expect.stringContaining("metrics are off"), why: expect.stringContaining("HOST 0.0.0.0 is not a loopback address") }));
  });

  it("behind a reverse proxy on loopback (TRUSTED_PROXIES) without a token: off, since the proxy makes loopback public", () => {
    expect(metricsAccess(loadEnv({ HOST: "127.0.0.1", TRUSTED_PROXIES: "127.0.0.1" }))).toMatchObject({ kind: "off", why: expect.stringContaining("TRUSTED_PROXIES") });
    expect(metricsAccess(loadEnv({ HOST: "::1" }))).toEqual({ kind: "loopback" });
    expect(metricsAccess(loadEnv({ HOST: "::" }))).toMatchObject({ kind: "off" });
  });

  it("a HOST only a lenient parser calls loopback (127.1, 0177.0.0.1, 0x7f000001) leaves /metrics off; the socket's ::ffff:127.0.0.1 is loopback", () => {
    for (const host of ["127.1", "0177.0.0.1", "0x7f000001", "2130706433"]) {
      expect({ host, access: metricsAccess(loadEnv({ HOST: host })).kind }).toEqual({ host, access: "off" });
    }
    expect(isLoopback("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopback("127.0.0.53")).toBe(true);
    expect(isLoopback("::ffff:10.0.0.1")).toBe(false);
  });
});

describe("what metrics tell about failed sign-ins", () => {
  it("counts refusals by code only: no procedure, e-mail or address of who was guessed at", async () => {
    const { plane } = await start({ METRICS_TOKEN });
    const login = (email: string) =>
      fetch(`${plane.url}/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "not the password at all" }) });
    await login("victim@example.net");
    await login(ADMIN_EMAIL);
    await fetch(`${plane.url}/trpc/auth.me`);
    const text = await (await fetch(`${plane.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toContain('gatehouse_api_credential_refusals_total{code="UNAUTHORIZED"} 2');
    expect(text).toContain('gatehouse_api_calls_total{path="auth.me",type="query",code="OK"} 1');
    expect(text).not.toMatch(/gatehouse_api_calls_total\{path="auth\.login"[^}]*code="UNAUTHORIZED"/);
    expect(text).not.toContain("victim");
    expect(text).not.toContain(ADMIN_EMAIL);
    expect(text).not.toContain("127.0.0.1");
  });
});
