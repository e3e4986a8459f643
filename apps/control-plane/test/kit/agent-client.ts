// A WebSocket client that speaks the real agent protocol to a control plane's hub and records
// what it receives.
import WebSocket from "ws";
import { AGENT_WS_PATH, encodeMessage, parseHubMessage, PROTOCOL_VERSION, type AgentMessage, type HubMessage, type ReportMessage } from "@gatehouse/protocol";

export class TestAgentClient {
  readonly received: HubMessage[] = [];
  closeCode: number | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const parsed = parseHubMessage(data);
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

  /** Reports `state` applied, as a healthy nftables agent would; `extra` sets any other field (knocks, errors, ...). */
  reportApplied(state: { revision: number; hash: string }, extra: Partial<Omit<ReportMessage, "type">> = {}): void {
    this.send({
      type: "report",
      appliedRevision: state.revision,
      desiredHash: state.hash,
      rulesetHash: "r".repeat(64),
      setSizes: {},
      ruleCount: 9,
      unresolved: [],
      resolutions: [],
      errors: [],
      agentVersion: "0.1.0",
      backend: "nftables",
      ...extra,
    });
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
