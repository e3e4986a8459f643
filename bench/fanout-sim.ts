// The load generator's side of the fan-out benches (fanout.bench.ts, fanout-replicas.bench.ts):
// simulated agents speaking the real protocol with the agent's own connection and backoff code,
// the control plane in a child process (fanout-control-plane.ts --serve), and small helpers.
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { PROTOCOL_VERSION, type HubMessage } from "../packages/protocol/src/index.ts";
import { Backoff } from "../apps/agent/src/sync/backoff.ts";
import { CredentialRefusedError, openHubConnection, type HubSession } from "../apps/agent/src/sync/hub-connection.ts";
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
 * One agent as the hub sees it, with the agent's own connection code and protocol: hello
 * (naming what it enforces), state -> report, changed -> fetch, ack.
 */
export class SimulatedAgent {
  session: HubSession | null = null;
  /** Highest revision heard of (state or changed). */
  revision = -1;
  applied: { revision: number; hash: string } | null = null;
  changedAt = 0;
  /** When the latest state arrived, and the state itself (its size is the raw broadcast's). */
  stateAt = 0;
  lastState: Extract<HubMessage, { type: "state" }> | null = null;
  /** When this session was answered (state or ack): the agent is back in sync. */
  syncedAt = 0;
  syncedBy: "state" | "ack" | null = null;
  private readonly backoff = new Backoff(AGENT_BACKOFF);
  private stopped = false;

  /** The replica this agent is on now (it moves to the next one after every ended session). */
  urlIndex: number;

  constructor(
    private readonly urls: readonly string[],
    private readonly credential: string,
    private readonly onSynced: (agent: SimulatedAgent) => void,
    first = 0,
  ) {
    this.urlIndex = first % urls.length;
  }

  get url(): string {
    return this.urls[this.urlIndex] ?? "";
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      let answered = false;
      try {
        const session = await openHubConnection({
          url: this.url,
          credential: this.credential,
          heartbeatTimeoutMs: 120_000,
          onMessage: (message) => {
            if (!answered && (message.type === "state" || message.type === "ack")) {
              answered = true;
              this.syncedBy = message.type;
              this.syncedAt = performance.now();
              this.backoff.reset();
              this.onSynced(this);
            }
            this.onMessage(message);
          },
          onProtocolError: () => undefined,
        });
        this.session = session;
        session.send({
          type: "hello",
          protocolVersion: PROTOCOL_VERSION,
          agentVersion: "bench",
          backend: "dry-run",
          ...(this.applied ? { appliedRevision: this.applied.revision, appliedHash: this.applied.hash } : {}),
        });
        await session.closed;
      } catch (error) {
        if (error instanceof CredentialRefusedError) throw error;
      }
      this.session = null;
      this.urlIndex = (this.urlIndex + 1) % this.urls.length; // as the agent's url-rotation.ts
      if (!this.stopped) await new Promise((r) => setTimeout(r, this.backoff.next()));
    }
  }

  private onMessage(message: HubMessage): void {
    if (message.type === "state") {
      this.stateAt = performance.now();
      this.lastState = message;
      this.revision = Math.max(this.revision, message.revision);
      this.applied = { revision: message.revision, hash: message.hash };
      this.session?.send({
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
      this.changedAt = performance.now();
      this.revision = message.revision;
      // Sent after this turn's other arrivals are timestamped: 10,000 agents share one load
      // generator here, where each real agent has its own CPU.
      setImmediate(() => this.session?.send({ type: "fetch", revision: message.revision }));
    }
  }

  stop(): void {
    this.stopped = true;
    this.session?.close();
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
