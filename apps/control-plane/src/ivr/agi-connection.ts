// One FastAGI conversation over TCP: read the agi_* environment, then send one command at a
// time and wait for its reply. When the caller hangs up, Asterisk answers the command in
// progress (`200 result=-1`), then sends "HANGUP", keeps the socket open and answers every
// later command with 511: the "HANGUP" line, a 511 or the socket closing mark the call hung up,
// and every later command is rejected with AgiHangUp.
import type { Socket } from "node:net";
import { opensUsageText, parseAgiEnvironmentLine, parseAgiReply, type AgiReply } from "./agi-reply.ts";

export class AgiHangUp extends Error {
  constructor(why: string) {
    super(`caller hung up (${why})`);
    this.name = "AgiHangUp";
  }
}

/** Asterisk answered a command with an error: a bug on our side or a broken peer. */
export class AgiProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AgiProtocolError";
  }
}

/** The peer sent a line longer than the limit; the connection is dropped unprocessed. */
export class AgiLineTooLong extends AgiProtocolError {
  constructor(maxLineBytes: number) {
    super(`AGI line longer than ${maxLineBytes} bytes`);
    this.name = "AgiLineTooLong";
  }
}

export interface AgiConnectionLimits {
  /** Longest line accepted from the peer. */
  maxLineBytes: number;
  /** Most environment lines accepted before the blank line. */
  maxEnvironmentLines: number;
}

const DEFAULT_LIMITS: AgiConnectionLimits = { maxLineBytes: 8192, maxEnvironmentLines: 128 };

type LineWaiter = { resolve: (line: string) => void; reject: (error: Error) => void };

export class AgiConnection {
  private buffer = "";
  private readonly lines: string[] = [];
  private waiter: LineWaiter | null = null;
  private hangUp: AgiHangUp | null = null;
  /** Set once a line was too long: every later read fails with it. */
  private overlong: AgiLineTooLong | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly limits: AgiConnectionLimits = DEFAULT_LIMITS,
  ) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.receive(chunk));
    socket.on("close", () => this.fail(new AgiHangUp("connection closed")));
    socket.on("error", () => this.fail(new AgiHangUp("connection error")));
  }

  get hungUp(): boolean {
    return this.hangUp !== null;
  }

  /** The environment block, up to its blank line; rejects after `timeoutMs`. */
  async readEnvironment(timeoutMs: number): Promise<Record<string, string>> {
    const environment: Record<string, string> = {};
    const deadline = setTimeout(() => this.fail(new AgiProtocolError("no AGI environment in time")), timeoutMs);
    try {
      for (let count = 0; count <= this.limits.maxEnvironmentLines; count += 1) {
        const line = await this.nextLine();
        if (line === "") return environment;
        const entry = parseAgiEnvironmentLine(line);
        if (!entry) throw new AgiProtocolError("malformed AGI environment line");
        environment[entry[0]] = entry[1];
      }
      throw new AgiProtocolError("AGI environment too long");
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Send one command and wait for its reply (at most `timeoutMs`). */
  async command(text: string, timeoutMs: number): Promise<Extract<AgiReply, { kind: "success" }>> {
    if (this.hangUp) throw this.hangUp;
    this.socket.write(`${text}\n`);
    const deadline = setTimeout(() => this.fail(new AgiProtocolError(`no reply to ${verb(text)}`)), timeoutMs);
    try {
      const reply = parseAgiReply(await this.nextReplyLine());
      if (reply.kind === "dead-channel") throw this.markHungUp("dead channel");
      if (reply.kind === "error") throw new AgiProtocolError(`${verb(text)} refused: ${reply.line}`);
      return reply;
    } finally {
      clearTimeout(deadline);
    }
  }

  close(): void {
    this.socket.end();
    this.socket.destroySoon();
  }

  /**
   * Whether the caller is still there, asked with a command Asterisk refuses on a dead channel
   * (after a `result=-1`, this tells a missing file from a hang-up whose "HANGUP" is still on
   * its way). False once hung up.
   */
  async isAlive(timeoutMs: number): Promise<boolean> {
    try {
      await this.command("CHANNEL STATUS", timeoutMs);
      return true;
    } catch (error) {
      if (error instanceof AgiHangUp) return false;
      throw error;
    }
  }

  private async nextReplyLine(): Promise<string> {
    let line = await this.nextLine();
    // The hang-up notice can come before the reply to a command sent after the hang-up (a 511).
    while (line === "HANGUP") {
      this.markHungUp("HANGUP from Asterisk");
      line = await this.nextLine();
    }
    if (opensUsageText(line)) {
      const first = line;
      while (!line.startsWith("520 ")) line = await this.nextLine();
      return first.replace("520-", "520 ");
    }
    return line;
  }

  private nextLine(): Promise<string> {
    if (this.overlong !== null) return Promise.reject(this.overlong);
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.hangUp) return Promise.reject(this.hangUp);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /**
   * Splits what arrived into lines. Every line is measured, complete or not, before any line of
   * the chunk is delivered: a long line refuses the connection however it arrives (in one read,
   * over many, or among other lines), and nothing that came with it is processed.
   */
  private receive(chunk: string): void {
    if (this.overlong !== null) return;
    const pieces = (this.buffer + chunk).split("\n");
    const rest = pieces.pop() ?? "";
    if ([...pieces, rest].some((line) => Buffer.byteLength(line) > this.limits.maxLineBytes)) {
      this.overlong = new AgiLineTooLong(this.limits.maxLineBytes);
      this.buffer = "";
      this.lines.length = 0;
      this.fail(this.overlong);
      this.socket.destroy();
      return;
    }
    this.buffer = rest;
    for (const line of pieces) this.deliver(line.replace(/\r$/, ""));
  }

  private deliver(line: string): void {
    if (line === "HANGUP" && !this.waiter) this.markHungUp("HANGUP from Asterisk");
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter.resolve(line);
    } else {
      this.lines.push(line);
    }
  }

  private markHungUp(why: string): AgiHangUp {
    this.hangUp ??= new AgiHangUp(why);
    return this.hangUp;
  }

  private fail(error: Error): void {
    if (error instanceof AgiHangUp) this.markHungUp(error.message);
    else this.hangUp ??= new AgiHangUp(error.message);
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }
}

function verb(command: string): string {
  return command.split(" ").slice(0, 2).join(" ");
}
