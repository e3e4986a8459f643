// Test helpers for the agent hub: seeded servers with credentials, and a WebSocket client
// that speaks the real protocol and records what it receives.
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import type { PrismaClient } from "@gatehouse/db";
import { AGENT_WS_PATH, encodeMessage, parseHubMessage, PROTOCOL_VERSION, type AgentMessage, type HubMessage } from "@gatehouse/protocol";
import { sha256Hex } from "../src/hub/credentials.ts";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { createAgentRoutes, type AgentRoutes } from "../src/hub/agent-routes.ts";
import type { DesiredSnapshot, RevisionEvent, RevisionFeed } from "../src/hub/hub-types.ts";

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface SeededServer {
  id: string;
  tenantId: string;
  credential: string;
}

export async function seedServer(prisma: PrismaClient, name = `pbx-${randomBytes(4).toString("hex")}`): Promise<SeededServer> {
  const tenant = await prisma.tenant.upsert({ where: { name: "Acme" }, create: { name: "Acme" }, update: {} });
  const credential = randomBytes(32).toString("base64url");
  const server = await prisma.server.create({
    data: { tenantId: tenant.id, name, primaryAdminSource: "198.51.100.1", agentCredentialHash: sha256Hex(credential) },
  });
  return { id: server.id, tenantId: tenant.id, credential };
}

export class TestAgentClient {
  readonly received: HubMessage[] = [];
  closeCode: number | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const parsed = parseHubMessage(data as Buffer);
      if (parsed.ok) this.received.push(parsed.message);
      this.wakeAll();
    });
    socket.on("close", (code) => {
      this.closeCode = code;
      this.wakeAll();
    });
  }

  /** Connects; rejects with the HTTP status when the upgrade is refused. */
  /** Says hello (as agents do first) unless `hello: false`; pass `applied` to claim a state. */
  static connect(
    baseUrl: string,
    credential: string,
    options: { autoPong?: boolean; hello?: boolean; applied?: { revision: number; hash: string } } = {},
  ): Promise<TestAgentClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}${AGENT_WS_PATH}`, {
        headers: { Authorization: `Bearer ${credential}` },
        autoPong: options.autoPong ?? true,
      });
      const client = new TestAgentClient(socket);
      socket.once("open", () => {
        if (options.hello !== false) client.hello(options.applied);
        resolve(client);
      });
      socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once("error", reject);
    });
  }

  send(message: AgentMessage): void {
    this.socket.send(encodeMessage(message));
  }

  hello(applied?: { revision: number; hash: string }): void {
    this.send({
      type: "hello",
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: "test",
      backend: "dry-run",
      ...(applied ? { appliedRevision: applied.revision, appliedHash: applied.hash } : {}),
    });
  }

  /** Resolves with the first received message (from `from` on) that matches. */
  async next<T extends HubMessage["type"]>(type: T, check: (m: Extract<HubMessage, { type: T }>) => boolean = () => true, from = 0): Promise<Extract<HubMessage, { type: T }>> {
    for (;;) {
      const found = this.received.slice(from).find((m): m is Extract<HubMessage, { type: T }> => m.type === type && check(m as Extract<HubMessage, { type: T }>));
      if (found) return found;
      if (this.closeCode !== null) throw new Error(`connection closed (${this.closeCode}) before a ${type} message arrived`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves with the close code once the hub closed the connection. */
  async closed(): Promise<number> {
    while (this.closeCode === null) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.closeCode;
  }

  close(): void {
    this.socket.terminate();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

// --- the control plane under test -----------------------------------------------------------

export interface HubUnderTest {
  url: string;
  routes: AgentRoutes;
  /** What the control plane does after committing a change for these servers. */
  publish(event: RevisionEvent): void;
  stop(): Promise<void>;
}

export async function startHubUnderTest(prisma: PrismaClient, options: { heartbeatIntervalMs?: number } = {}): Promise<HubUnderTest> {
  const listeners = new Set<(event: RevisionEvent) => void>();
  const feed: RevisionFeed = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const loadSnapshot = async (serverId: string): Promise<DesiredSnapshot | null> => {
    const server = await prisma.server.findUnique({ where: { id: serverId } });
    if (server === null || server.revokedAt !== null) return null;
    const state = {
      serverId,
      policy: { mediaOpenToAll: server.mediaOpenToAll, lanRanges: server.lanRanges, primaryAdmin: server.primaryAdminSource },
      services: [],
      entries: [],
    };
    return { revision: server.revision, hash: sha256Hex(JSON.stringify(state)), state };
  };
  const routes = createAgentRoutes({ prisma, feed, loadSnapshot, logger: pino({ level: "silent" }), ...options });
  const http = createServer((req, res) => {
    if (!routes.handleRequest(req, res)) res.writeHead(404).end();
  });
  http.on("upgrade", (req, socket, head) => {
    if (!routes.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    routes,
    publish: (event) => listeners.forEach((l) => l(event)),
    stop: async () => {
      await routes.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
