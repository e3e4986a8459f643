// A load generator in its own process for fanout-replicas.bench.ts: one process may hold only
// 20,000 file descriptors here, so 40,000 simulated agents run in several of these, each told
// over IPC what to connect and when to report. Times cross processes as epoch milliseconds
// (performance.timeOrigin + now), which one machine's processes share.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SimulatedAgent, waitFor } from "./fanout-sim.ts";

type LoadRequest =
  | { cmd: "connect"; urls: string[]; credentials: string[] }
  | { cmd: "mark"; url: string }
  | { cmd: "await"; revision: number; only: "all" | "marked" }
  | { cmd: "stop" };
/** Epoch ms: the state awaited arrived; the session it came on was attempted, and opened. */
export interface HeldTimes {
  stateAt: number;
  attemptAt: number;
  openedAt: number;
}
type LoadReply = { connected: number } | { marked: number } | { times: HeldTimes[] } | { stopped: true };

const TIMEOUT_MS = 300_000;

function serveLoad(): void {
  let agents: SimulatedAgent[] = [];
  let marked: SimulatedAgent[] = [];
  const send = (reply: LoadReply) => process.send?.(reply);
  process.on("message", (request: LoadRequest) => {
    void (async () => {
      if (request.cmd === "connect") {
        let synced = 0;
        agents = request.credentials.map((credential) => new SimulatedAgent(request.urls, credential, () => (synced += 1)));
        for (let i = 0; i < agents.length; i += 250) {
          agents.slice(i, i + 250).forEach((agent) => void agent.run());
          await waitFor(() => synced >= Math.min(i + 250, agents.length), "agents to connect", TIMEOUT_MS);
        }
        await waitFor(() => agents.every((agent) => agent.applied !== null), "every agent to apply its first state", TIMEOUT_MS);
        send({ connected: agents.length });
      } else if (request.cmd === "mark") {
        marked = agents.filter((agent) => agent.url === request.url);
        send({ marked: marked.length });
      } else if (request.cmd === "await") {
        const which = request.only === "all" ? agents : marked;
        await waitFor(() => which.every((agent) => (agent.applied?.revision ?? 0) >= request.revision), "agents to hold the revision", TIMEOUT_MS);
        const epoch = (at: number) => performance.timeOrigin + at;
        send({ times: which.map((agent) => ({ stateAt: epoch(agent.stateAt), attemptAt: epoch(agent.attemptAt), openedAt: epoch(agent.openedAt) })) });
      } else {
        agents.forEach((agent) => agent.stop());
        send({ stopped: true });
        process.exit(0);
      }
    })();
  });
}

export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadGenerator {
    return new LoadGenerator(fork(fileURLToPath(import.meta.url), ["--serve"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }

  connect(urls: string[], credentials: string[]): Promise<number> {
    return this.ask({ cmd: "connect", urls, credentials }, (r): r is { connected: number } => "connected" in r).then((r) => r.connected);
  }

  /** Remembers the agents on the replica at `url` now (before it is killed). */
  mark(url: string): Promise<number> {
    return this.ask({ cmd: "mark", url }, (r): r is { marked: number } => "marked" in r).then((r) => r.marked);
  }

  /** When each agent (or each marked one) received the state at `revision` or later, and opened the session it came on. */
  heldAt(revision: number, only: "all" | "marked"): Promise<HeldTimes[]> {
    return this.ask({ cmd: "await", revision, only }, (r): r is { times: HeldTimes[] } => "times" in r).then((r) => r.times);
  }

  stop(): Promise<unknown> {
    return this.ask({ cmd: "stop" }, (r): r is { stopped: true } => "stopped" in r).catch(() => undefined);
  }

  private ask<T extends LoadReply>(request: LoadRequest, pick: (reply: LoadReply) => reply is T): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      const onMessage = (reply: LoadReply) => {
        if (!pick(reply)) return;
        this.child.off("message", onMessage);
        this.child.off("exit", onExit);
        resolve(reply);
      };
      this.child.on("message", onMessage);
      this.child.once("exit", onExit);
      this.child.send(request);
    });
  }
}

const isEntry = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry && process.argv[2] === "--serve") serveLoad();
