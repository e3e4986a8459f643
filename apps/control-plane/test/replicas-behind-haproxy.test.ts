// Two control-plane replicas on one PostgreSQL behind the real HAProxy, run with the files of
// infra/haproxy/ exactly as docker-compose.yml loads them: operators, agents, travelers' pages
// and the DID's FastAGI calls all go through the proxy to whichever replica is up, and a replica
// that goes away is taken out by the proxy's health checks while everything goes on working.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { openDatabase } from "@gatehouse/db";
import { AGENT_WS_PATH, encodeMessage, parseHubMessage, PROTOCOL_VERSION } from "@gatehouse/protocol";
import { ADMIN_EMAIL, ADMIN_PASSWORD, seedServer, signedInClient, startUnderTest, TestAgentClient, type PlaneUnderTest, type SeededServer } from "./kit/index.ts";
import { requireCapability } from "@gatehouse/testkit/capability";
import { createTestDatabase, type TestDatabase } from "@gatehouse/testkit/database";
import { PRODUCTION_EXTENSIONS } from "../src/extensions.ts";
import { freePort, haproxyCapability, startHaproxy, type ProxyUnderTest } from "./haproxy-under-test.ts";
import { HANG_UP, placeAsteriskCall } from "./ivr-asterisk.ts";

const AGI_SECRET = "replicas-share-this-agi-secret";
/** The proxy reaches the replicas from 127.0.0.1; the test's browsers and strangers come from elsewhere on loopback. */
const PROXY_ADDRESS = "127.0.0.1";
const TRAVELER_ADDRESS = "127.0.0.2";
/** What docker-compose.yml gives each replica about the proxy, with the proxy's address here. */
const REPLICA_ENV = {
  TRUSTED_PROXIES: `${PROXY_ADDRESS}/32`,
  AGI_SECRET,
  AGI_ALLOWED_ADDRESSES: `${PROXY_ADDRESS}/32`,
  AGI_HOST: "127.0.0.1",
  AGI_PORT: "0",
};

function capability() {
  if (!process.env.DATABASE_URL) return { ok: false, reason: "needs PostgreSQL (DATABASE_URL): replicas share one PostgreSQL, never one PGlite" };
  return haproxyCapability();
}

const runs = requireCapability("replicas behind HAProxy", capability());

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(url: string, options: { localAddress?: string; headers?: Record<string, string>; ca?: string } = {}): Promise<Answer> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress: options.localAddress, headers: options.headers, ca: options.ca, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Waits until HAProxy listens and has a replica for `url`. */
function answersOk(url: string, ca?: string): Promise<void> {
  return vi.waitFor(async () => expect((await get(url, { ca })).status).toBe(200), { timeout: 10_000, interval: 100 });
}

function servedBy(proxy: ProxyUnderTest, backend: string): Set<string> {
  return new Set([...proxy.output().matchAll(new RegExp(`${backend}/(controlplane-\\d)`, "g"))].map((match) => match[1] ?? ""));
}

describe.skipIf(!runs)("two control planes on one PostgreSQL behind HAProxy", () => {
  let db: TestDatabase;
  let secondClient: Awaited<ReturnType<typeof openDatabase>>;
  let replicas: PlaneUnderTest[];
  let proxy: ProxyUnderTest;
  let proxyUrl: string;
  let proxyAgiPort: number;
  let workDir: string;
  let servers: SeededServer[];
  const agents: TestAgentClient[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "gh-haproxy-"));
    db = await createTestDatabase("postgres");
    // Each replica has its own connection pool on the same database, as two processes would.
    secondClient = await openDatabase({ databaseUrl: db.url ?? "" });
    const shared = { kind: "postgres" as const, url: db.url };
    replicas = [];
    for (const prisma of [db.prisma, secondClient.prisma]) {
      replicas.push(await startUnderTest("postgres", { database: { ...shared, prisma, drop: async () => undefined }, extensions: PRODUCTION_EXTENSIONS, env: REPLICA_ENV }));
    }
    const [httpPort, agiPort] = [await freePort(), await freePort()];
    proxyUrl = `http://127.0.0.1:${httpPort}`;
    proxyAgiPort = agiPort;
    proxy = await startHaproxy({
      files: ["haproxy.cfg", "http.cfg"],
      replicas: replicas.map((replica) => ({ http: replica.plane.port, agi: replica.plane.app.fastAgiPort ?? 0 })),
      binds: { 8080: httpPort, 4573: agiPort },
      asteriskAddresses: PROXY_ADDRESS,
      workDir,
    });
    await answersOk(`${proxyUrl}/healthz`);
    servers = [await seedServer(db.prisma), await seedServer(db.prisma)];
  });

  afterAll(async () => {
    for (const agent of agents) agent.close();
    await proxy?.stop();
    for (const replica of replicas ?? []) await replica.stop();
    await secondClient?.close();
    await db?.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("answers /healthz through the proxy, from both replicas", async () => {
    for (let request = 0; request < 6; request += 1) {
      const answer = await get(`${proxyUrl}/healthz`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ status: "ok", database: "ok" });
    }
    await proxy.logged(/control_planes\/controlplane-2 .* 200 /);
    expect(servedBy(proxy, "control_planes")).toEqual(new Set(["controlplane-1", "controlplane-2"]));
  });

  it("upgrades agents' WebSockets through the proxy, spread over the replicas: each gets its state", async () => {
    for (const server of servers) {
      const agent = await TestAgentClient.connect(proxyUrl, server.credential);
      agents.push(agent);
      const revision = (await db.prisma.server.findUniqueOrThrow({ where: { id: server.id } })).revision;
      expect((await agent.next("state")).revision).toBe(revision);
    }
  });

  it("tells the agents on both replicas of a change an operator makes through the proxy", async () => {
    const operator = await signedInClient(proxyUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const tenantId = servers[0]?.tenantId ?? "";
    await operator.entries.add.mutate({ source: "198.51.100.77", services: ["sip"], scope: { kind: "TENANT", tenantId } });
    for (const [index, server] of servers.entries()) {
      const { revision } = await db.prisma.server.findUniqueOrThrow({ where: { id: server.id } });
      expect((await agents[index]?.next("state", (message) => message.revision === revision))?.state.entries).toContainEqual({ source: "198.51.100.77", kind: "ip", services: ["sip"] });
    }
  });

  it("shows a traveler the address they come from: the proxy's X-Forwarded-For, not the proxy, not a forged header", async () => {
    const page = await get(`${proxyUrl}/traveler`, { localAddress: TRAVELER_ADDRESS, headers: { "x-forwarded-for": "203.0.113.66" } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<span class="address">${TRAVELER_ADDRESS}</span>`);
  });

  it("hands the DID's FastAGI calls to a replica, and closes connections from anything but the Asterisk", async () => {
    const call = await placeAsteriskCall({ port: proxyAgiPort, secret: AGI_SECRET, keypad: [HANG_UP] });
    expect(call.prompts[0]).toBe("welcome");
    // The replicas see the proxy (allowed) either way: only the proxy can refuse this one.
    const stranger = await placeAsteriskCall({ port: proxyAgiPort, localAddress: TRAVELER_ADDRESS, secret: AGI_SECRET, keypad: [HANG_UP] });
    expect(stranger.commands).toEqual([]);
  });

  it("terminates TLS with tls.cfg: https and wss to the replicas, plain HTTP redirected", async () => {
    const certDir = join(workDir, "certs");
    mkdirSync(certDir);
    const key = join(workDir, "key.pem");
    const cert = join(workDir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], { stdio: "ignore" });
    execFileSync("sh", ["-c", 'cat "$1" "$2" > "$3"', "sh", cert, key, join(certDir, "localhost.pem")]);
    const ca = readFileSync(cert, "utf8");
    const [httpsPort, redirectPort, agiPort] = [await freePort(), await freePort(), await freePort()];
    const tls = await startHaproxy({
      files: ["haproxy.cfg", "tls.cfg"],
      replicas: replicas.map((replica) => ({ http: replica.plane.port, agi: replica.plane.app.fastAgiPort ?? 0 })),
      binds: { 8443: httpsPort, 8080: redirectPort, 4573: agiPort },
      asteriskAddresses: PROXY_ADDRESS,
      certDir,
      workDir: mkdtempSync(join(workDir, "tls-")),
    });
    try {
      await answersOk(`https://localhost:${httpsPort}/healthz`, ca);
      const plain = await get(`http://localhost:${redirectPort}/healthz`);
      expect(plain.status).toBe(301);
      expect(plain.headers.location).toBe(`https://localhost:${redirectPort}/healthz`);
      expect(await firstMessageOverWss(`wss://localhost:${httpsPort}${AGENT_WS_PATH}`, (await seedServer(db.prisma)).credential, ca)).toBe("state");
    } finally {
      await tls.stop();
    }
  });

  it("takes a replica that goes away out on its failed health checks: operators, agents and calls carry on", async () => {
    const operator = await signedInClient(proxyUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await replicas[0]?.plane.close();
    // leastconn put one agent on each replica: the first one's agent is told, the other's is not.
    const closedIndex = await Promise.race(agents.map((agent, index) => agent.closed().then((code) => (code === 1001 ? index : -1))));
    const [moved, stayed] = [agents[closedIndex], agents[1 - closedIndex]];
    if (!moved || !stayed) throw new Error(`no agent was told its replica stopped (1001): ${agents.map((agent) => agent.closeCode).join(", ")}`);

    await proxy.logged(/Server control_planes\/controlplane-1 is DOWN/);
    await proxy.logged(/Server fastagi_replicas\/controlplane-1 is DOWN/);
    expect(stayed.closeCode).toBeNull();
    const servedBefore = proxy.output().length;
    for (let request = 0; request < 6; request += 1) expect((await get(`${proxyUrl}/healthz?after-down=${request}`)).status).toBe(200);
    const served = () => [...proxy.output().slice(servedBefore).matchAll(/control_planes\/(controlplane-\d) \S+ 200 .*"GET \/healthz\?after-down/g)].map((line) => line[1]);
    await vi.waitFor(() => expect(served()).toHaveLength(6));
    expect(new Set(served())).toEqual(new Set(["controlplane-2"]));

    expect((await operator.auth.me.query())?.email).toBe(ADMIN_EMAIL);
    const server = servers[closedIndex];
    if (!server) throw new Error("no server for the moved agent");
    const reconnected = await TestAgentClient.connect(proxyUrl, server.credential);
    agents.push(reconnected);
    expect((await reconnected.next("state")).revision).toBe((await db.prisma.server.findUniqueOrThrow({ where: { id: server.id } })).revision);
    const call = await placeAsteriskCall({ port: proxyAgiPort, secret: AGI_SECRET, keypad: [HANG_UP] });
    expect(call.prompts[0]).toBe("welcome");
  });
});

/** An agent's hello over wss:// with a private CA (as `gatehouse-agent --ca` does); the type of the hub's answer. */
function firstMessageOverWss(url: string, credential: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${credential}` }, ca });
    socket.once("open", () => socket.send(encodeMessage({ type: "hello", protocolVersion: PROTOCOL_VERSION, agentVersion: "test", backend: "dry-run" })));
    socket.once("message", (data) => {
      const parsed = parseHubMessage(data);
      socket.terminate();
      resolve(parsed.ok ? parsed.message.type : "unparsable");
    });
    socket.once("error", reject);
  });
}
