// The load generator's side of the fan-out benches (fanout.bench.ts, fanout-replicas.bench.ts):
// simulated agents speaking the real protocol with the agent's own backoff and URL rotation,
// the control plane in a child process (fanout-control-plane.ts --serve), and small helpers.
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import WebSocket, { type RawData } from "ws";
import { AGENT_WS_PATH, encodeMessage, MAX_HUB_MESSAGE_BYTES, parseHubMessage, PROTOCOL_VERSION, type AgentMessage, type HubMessage } from "../packages/protocol/src/index.ts";
import { Backoff } from "../apps/agent/src/sync/backoff.ts";
import { connectTimeoutMs } from "../apps/agent/src/sync/connect-timeout.ts";
import { UrlRotation } from "../apps/agent/src/sync/url-rotation.ts";
import type { ChildReply, ChildRequest, Memory, Mutated } from "./fanout-control-plane.ts";

const CHILD = fileURLToPath(new URL("./fanout-control-plane.ts", import.meta.url));
const AGENT_BACKOFF = { baseMs: 1000, capMs: 60_000 };

export class ControlPlaneProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(databaseUrl: string, port = 0): Promise<ControlPlaneProcess> {
    const child = fork(CHILD, ["--serve", databaseUrl, String(port)], {
      execArgv: ["--import", "tsx", "--expose-gc", ...(process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/gh-prof"] : [])],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Promise((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`control plane exited (${code}) before it was ready`)));
      child.on("message", (reply: ChildReply) => {
        if ("ready" in reply) resolve(new ControlPlaneProcess(child, reply.ready.port));
      });
    });
  }

  private request<T extends ChildReply>(request: ChildRequest, pick: (r: ChildReply) => r is T): Promise<T> {
    return new Promise((resolve) => {
      const onMessage = (reply: ChildReply) => {
        if (!pick(reply)) return;
        this.child.off("message", onMessage);
        resolve(reply);
      };
      this.child.on("message", onMessage);
      this.child.send(request);
    });
  }

  async memory(): Promise<Memory> {
    return (await this.request({ cmd: "memory" }, (r): r is { memory: Memory } => "memory" in r)).memory;
  }

  /** CPU time (user + system) the process has used so far, in ms. */
  async cpuMs(): Promise<number> {
    return (await this.request({ cmd: "cpu" }, (r): r is { cpuMs: number } => "cpuMs" in r)).cpuMs;
  }

  async mutate(): Promise<Mutated> {
    return (await this.request({ cmd: "mutate" }, (r): r is { mutated: Mutated } => "mutated" in r)).mutated;
  }

  /** A crash-restart: the process is killed, connections drop without a goodbye. */
  async kill(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ cmd: "stop" });
    await exited;
  }
}

/**
 * One agent as the hub sees it, speaking the real protocol (the protocol package's encoder and
 * parser) with the agent's own backoff and URL rotation: hello (naming what it enforces),
 * state -> report, changed -> fetch, ack. Arrival times are taken when a frame arrives, and
 * the frame is parsed and answered after this turn's other arrivals are timestamped: 10,000
 * agents share one load generator here, where each real agent has its own CPU, and the raw
 * broadcast (fanout-raw-ws.ts) is timed the same way. A frame that does not parse, or names
 * another revision, leaves the agent short of the revision awaited, so the bench times out.
 */
export class SimulatedAgent {
  /** Highest revision heard of (state or changed). */
  revision = -1;
  applied: { revision: number; hash: string } | null = null;
  /** When the latest state arrived, and the state itself (its size is the raw broadcast's). */
  stateAt = 0;
  lastState: Extract<HubMessage, { type: "state" }> | null = null;
  /** When this session was answered (state or ack): the agent is back in sync. */
  syncedAt = 0;
  syncedBy: "state" | "ack" | null = null;
  /** When the latest connection attempt began, and when its socket opened (performance.now()). */
  attemptAt = 0;
  openedAt = 0;
  private readonly backoff = new Backoff(AGENT_BACKOFF);
  private readonly rotation: UrlRotation;
  private socket: WebSocket | null = null;
  private stopped = false;

  constructor(
    urls: readonly string[],
    private readonly credential: string,
    private readonly onSynced: (agent: SimulatedAgent) => void,
    random: () => number = Math.random,
  ) {
    this.rotation = new UrlRotation(urls, random);
  }

  /** The replica this agent is on now (it moves on after every ended session, as the agent does). */
  get url(): string {
    return this.rotation.current;
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      this.attemptAt = performance.now();
      const refused = await this.session();
      if (refused) throw new Error(`the hub refused a bench agent's credential at ${this.url}`);
      this.rotation.advance();
      if (!this.stopped) await new Promise((r) => setTimeout(r, this.backoff.next()));
    }
  }

  /** One session, until it ends; true when the credential was refused. */
  private session(): Promise<boolean> {
    return new Promise((resolve) => {
      const url = new URL(AGENT_WS_PATH, this.url.replace(/^http/, "ws"));
      const options = { headers: { Authorization: `Bearer ${this.credential}` }, maxPayload: MAX_HUB_MESSAGE_BYTES, perMessageDeflate: false, handshakeTimeout: connectTimeoutMs(this.backoff.outageMs()) };
      const socket = new WebSocket(url, options);
      this.socket = socket;
      let answered = false;
      socket.on("unexpected-response", (_req, res) => {
        res.resume();
        socket.terminate();
        resolve(res.statusCode === 401);
      });
      socket.on("error", () => resolve(false));
      socket.on("close", () => resolve(false));
      socket.on("open", () => {
        this.openedAt = performance.now();
        this.send(this.hello());
      });
      socket.on("message", (data: RawData) => {
        const arrivedAt = performance.now();
        setImmediate(() => {
          const parsed = parseHubMessage(data);
          if (!parsed.ok) return socket.close(1008, parsed.error.code);
          const message = parsed.message;
          if (!answered && (message.type === "state" || message.type === "ack")) {
            answered = true;
            this.syncedBy = message.type;
            this.syncedAt = arrivedAt;
            this.backoff.reset();
            this.onSynced(this);
          }
          this.onMessage(message, arrivedAt);
        });
      });
    });
  }

  private hello(): AgentMessage {
    return {
      type: "hello",
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: "bench",
      backend: "dry-run",
      ...(this.applied ? { appliedRevision: this.applied.revision, appliedHash: this.applied.hash } : {}),
    };
  }

  private send(message: AgentMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeMessage(message));
  }

  private onMessage(message: HubMessage, arrivedAt: number): void {
    if (message.type === "state") {
      this.stateAt = arrivedAt;
      this.lastState = message;
      this.revision = Math.max(this.revision, message.revision);
      this.applied = { revision: message.revision, hash: message.hash };
      this.send({
        type: "report",
        appliedRevision: message.revision,
        rulesetHash: message.hash,
        desiredHash: message.hash,
        setSizes: {},
        ruleCount: 0,
        unresolved: [],
        resolutions: [],
        errors: [],
        agentVersion: "bench",
        backend: "dry-run",
      });
    } else if (message.type === "changed" && message.revision > this.revision) {
      this.revision = message.revision;
      this.send({ type: "fetch", revision: message.revision });
    }
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function openFileLimit(): number {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}
