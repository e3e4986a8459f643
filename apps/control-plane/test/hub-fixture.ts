// Test helpers for the agent hub: seeded servers with credentials, and a WebSocket client
// that speaks the real protocol and records what it receives.
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import type { PrismaClient } from "@gatehouse/db";
import { AGENT_WS_PATH, encodeMessage, parseHubMessage, PROTOCOL_VERSION, type AgentMessage, type HubMessage } from "@gatehouse/protocol";
import { sha256Hex } from "../src/hub/credentials.ts";
import type { DatabaseKind } from "@gatehouse/db";
import type { AgentDirectory } from "../src/app.ts";
import type { RevisionChange } from "../src/bus.ts";
import { agentHubExtension, type AgentHubExtensionOptions } from "../src/hub/agent-hub-extension.ts";
import { startUnderTest, type PlaneUnderTest } from "./control-plane-fixture.ts";

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
  test: PlaneUnderTest;
  /** The hub as the rest of the control plane sees it. */
  agents: AgentDirectory;
  /** What runMutation does after a commit: tell the bus these servers' new revisions. */
  publish(event: RevisionChange): void;
  stop(): Promise<void>;
}

/** A real control plane (HTTP server, tRPC API, bus, the hub as its extension) on `db`. */
export async function startHubUnderTest(kind: DatabaseKind, options: AgentHubExtensionOptions = {}): Promise<HubUnderTest> {
  const test = await startUnderTest(kind, { extensions: [agentHubExtension(options)] });
  const agents = test.plane.app.agents;
  if (!agents) throw new Error("the agent hub extension did not attach");
  return { url: test.plane.url, test, agents, publish: (event) => test.plane.bus.publish([event]), stop: () => test.stop() };
}
