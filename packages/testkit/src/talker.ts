// A peer that keeps talking, like a SIP phone: over UDP one socket (one flow) sends a datagram
// every interval, over TCP one connection is held open and written to every interval. It counts
// the echoes that come back, so a test sees a flow being cut: the answers stop.
import { spawn, type ChildProcess } from "node:child_process";
import type { NetnsLab } from "./netns.ts";

// argv: kind, address, port, interval ms. Prints "answer <ms since epoch>" per echo, "closed" when
// a TCP connection ends (reset or closed).
const TALKER_SCRIPT = `
const [kind, address, port, intervalMs] = process.argv.slice(1);
const answer = () => process.stdout.write("answer " + Date.now() + "\\n");
if (kind === "tcp") {
  const socket = require("node:net").connect({ host: address, port: Number(port) });
  socket.on("data", answer);
  socket.on("error", () => {});
  socket.on("close", () => { process.stdout.write("closed\\n"); process.exit(0); });
  socket.on("connect", () => setInterval(() => socket.write("OPTIONS\\n"), Number(intervalMs)));
} else {
  const socket = require("node:dgram").createSocket(address.includes(":") ? "udp6" : "udp4");
  socket.on("message", answer);
  socket.on("error", () => {});
  setInterval(() => socket.send("OPTIONS", Number(port), address), Number(intervalMs));
}`;

export interface TalkerOptions {
  /** Between two packets (default 200 ms, a phone's keep-alive made fast). */
  intervalMs?: number;
  /** How long to wait for the first echo (default 5 s). */
  firstAnswerMs?: number;
}

export class Talker {
  answers = 0;
  /** When the last echo arrived (ms since epoch), or null. */
  lastAnswerAt: number | null = null;
  closed = false;

  constructor(private readonly child: ChildProcess) {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) this.onLine(line);
    });
  }

  private onLine(line: string): void {
    if (line === "closed") this.closed = true;
    else if (line.startsWith("answer ")) {
      this.answers++;
      this.lastAnswerAt = Number(line.slice("answer ".length));
    }
  }

  /** True when no echo arrived for `ms` (or none ever did). */
  silentFor(ms: number): boolean {
    return this.lastAnswerAt === null || Date.now() - this.lastAnswerAt >= ms;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    await exited;
  }
}

/** Starts talking from `fromHost` to `address:port`; resolves once the first echo came back. */
export async function startTalker(lab: NetnsLab, fromHost: string, kind: "tcp" | "udp", address: string, port: number, options: TalkerOptions = {}): Promise<Talker> {
  const args = ["netns", "exec", lab.host(fromHost).netns, process.execPath, "-e", TALKER_SCRIPT, kind, address, String(port), String(options.intervalMs ?? 200)];
  const talker = new Talker(spawn("ip", args, { stdio: ["ignore", "pipe", "ignore"] }));
  const deadline = Date.now() + (options.firstAnswerMs ?? 5_000);
  while (talker.answers === 0) {
    if (Date.now() > deadline || talker.closed) {
      await talker.stop();
      throw new Error(`${fromHost} got no echo from ${kind} ${address}:${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return talker;
}
