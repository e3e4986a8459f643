// A stand-in control plane for the agent's unit tests (after crowdsec's bouncer tests, which
// drive the real binary against a fake API): a real HTTP + WebSocket server on a real port
// speaking the real protocol, whose behaviour each test controls.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { createHash } from "node:crypto";
import type { DesiredState } from "@gatehouse/core";
import { ENROLL_PATH, enrollRequestSchema, encodeMessage, parseAgentMessage, type AgentMessage, type HubMessage, type ReportMessage } from "@gatehouse/protocol";

export class FakeHub {
  readonly credential = "c".repeat(48);
  revision = 1;
  state: DesiredState;
  refuseWith: number | null = null;
  autoAck = true;
  /**
   * Link trouble: the agent's reports never arrive (as when its larger segments are dropped), so
   * none is stored or acked, and like a stuck TCP stream nothing after it arrives on that connection.
   */
  dropReports = false;
  readonly dropped: ReportMessage[] = [];
  readonly received: AgentMessage[] = [];
  readonly reports: ReportMessage[] = [];
  connections = 0;
  refusals = 0;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<WebSocket>();
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  port = 0;

  constructor(state: DesiredState) {
    this.state = state;
  }

  /** Set before start() to serve https/wss with this key and certificate. */
  tls: { key: string; cert: string } | null = null;

  get url(): string {
    return `${this.tls ? "https" : "http"}://127.0.0.1:${this.port}`;
  }

  get hash(): string {
    return createHash("sha256").update(JSON.stringify(this.state)).digest("hex");
  }

  async start(port = 0): Promise<void> {
    const wss = new WebSocketServer({ noServer: true });
    const handler = (req: IncomingMessage, res: ServerResponse) => this.onHttp(req, res);
    const http = this.tls ? createHttpsServer(this.tls, handler) : createServer(handler);
    http.on("upgrade", (req, socket, head) => {
      if (this.refuseWith !== null || req.headers.authorization !== `Bearer ${this.credential}`) {
        this.refusals += 1;
        socket.end(`HTTP/1.1 ${this.refuseWith ?? 401} Refused\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
    await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
    this.wss = wss;
  }

  /** The control plane goes away (connections dropped, port closed). */
  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    this.wss?.close();
    this.http = null;
  }

  /** An operator changed something: new revision, agents notified with `changed`. */
  publish(state: DesiredState): void {
    this.state = state;
    this.revision += 1;
    this.broadcast({ type: "changed", revision: this.revision });
  }

  broadcast(message: HubMessage): void {
    for (const ws of this.sockets) ws.send(encodeMessage(message));
  }

  /** Drops every live connection without closing the port. */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** Resolves when `check` holds (re-evaluated on every message received). */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** The latest report, once one matches. */
  async reportWhere(check: (r: ReportMessage) => boolean): Promise<ReportMessage> {
    await this.until(() => this.reports.some(check));
    return [...this.reports].reverse().find(check)!;
  }

  /** One-time enrollment tokens this hub accepts (each trades once for `credential`). */
  readonly enrollmentTokens = new Set<string>();

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== "POST" || req.url !== ENROLL_PATH) return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = enrollRequestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      if (!body.success) return void res.writeHead(400).end(JSON.stringify({ error: "bad request" }));
      if (!this.enrollmentTokens.delete(body.data.token)) return void res.writeHead(401).end(JSON.stringify({ error: "enrollment token unknown, used or expired" }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ serverId: this.state.serverId, credential: this.credential }));
    });
  }

  private onConnection(ws: WebSocket): void {
    this.connections += 1;
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    let stalled = false;
    ws.on("message", (data) => {
      if (stalled) return;
      const parsed = parseAgentMessage(data);
      if (!parsed.ok) return ws.close(1008);
      const message = parsed.message;
      this.received.push(message);
      // As the real hub: a hello gets the full state, or an ack when it names the current one.
      if (message.type === "hello") {
        const inSync = message.appliedRevision === this.revision && message.appliedHash === this.hash;
        ws.send(inSync ? encodeMessage({ type: "ack", revision: this.revision }) : this.stateMessage());
      }
      if (message.type === "fetch") ws.send(this.stateMessage());
      if (message.type === "report" && this.dropReports) {
        this.dropped.push(message);
        stalled = true;
      } else if (message.type === "report") {
        this.reports.push(message);
        if (this.autoAck) ws.send(encodeMessage({ type: "ack", revision: message.appliedRevision }));
      }
      this.notify();
    });
    this.notify();
  }

  private stateMessage(): string {
    return encodeMessage({ type: "state", revision: this.revision, hash: this.hash, state: this.state });
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}
