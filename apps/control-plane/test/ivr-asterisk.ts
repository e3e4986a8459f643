// Asterisk's side of a FastAGI conversation, byte for byte, for tests: it connects like
// `AGI(agi://host:port/traveler,<secret>)` does, sends the agi_* environment and its blank
// line, then answers each command as Asterisk 18 does. The caller's keypad is a script of
// entries, one per GET DATA; the caller can hang up at any command.
import { connect, type Socket } from "node:net";

/**
 * One caller entry for a GET DATA: "4711#" (keys then pound), "4711" (keys, then the timeout),
 * "" (nothing: timeout), or HANG_UP (the caller hangs up at this prompt).
 */
export type KeypadEntry = string | typeof HANG_UP;
export const HANG_UP = Symbol("hang up");

export interface AsteriskCallOptions {
  port: number;
  host?: string;
  /** Source address to connect from (e.g. 127.0.0.2 for a peer not on the allowlist). */
  localAddress?: string;
  /** agi_arg_1; null sends no argument at all. */
  secret: string | null;
  script?: string;
  callerId?: string;
  keypad: KeypadEntry[];
  /** Hang up instead of answering the first command this returns true for. */
  hangUpOn?: (command: string) => boolean;
  /** Answer these commands with Asterisk's multi-line 520 usage error. */
  rejectOn?: (command: string) => boolean;
  /** Send nothing at all after connecting (an idle or confused peer). */
  silent?: boolean;
  /** Told of every command as it arrives (benchmarks time the conversation with it). */
  onCommand?: (command: string) => void;
}

export interface AsteriskCallRecord {
  /** Every command line received, in order. */
  commands: string[];
  /** The prompt files played (STREAM FILE and GET DATA), without their directory. */
  prompts: string[];
  /** Digits spoken with SAY DIGITS / SAY NUMBER, in order. */
  spoken: string[];
  /** The control plane sent HANGUP (rather than the caller hanging up or the socket closing). */
  hungUpByIvr: boolean;
  /** The caller hung up. */
  hungUpByCaller: boolean;
}

export function agiEnvironment(options: AsteriskCallOptions, localPort: number): string {
  const script = options.script ?? "traveler";
  const lines = [
    "agi_network: yes",
    `agi_network_script: ${script}`,
    `agi_request: agi://${options.host ?? "127.0.0.1"}:${options.port}/${script}`,
    "agi_channel: PJSIP/trunk-00000001",
    "agi_language: en",
    "agi_type: PJSIP",
    `agi_uniqueid: 1700000000.${localPort}`,
    "agi_version: 18.20.0",
    `agi_callerid: ${options.callerId ?? "+15551230000"}`,
    "agi_calleridname: Traveler",
    "agi_callingpres: 0",
    "agi_callingani2: 0",
    "agi_callington: 0",
    "agi_callingtns: 0",
    "agi_dnid: 15559990000",
    "agi_rdnis: unknown",
    "agi_context: gatehouse-travelers",
    "agi_extension: 15559990000",
    "agi_priority: 3",
    "agi_enhanced: 0.0",
    "agi_accountcode: ",
    "agi_threadid: 140123456789",
  ];
  if (options.secret !== null) lines.push(`agi_arg_1: ${options.secret}`);
  return `${lines.join("\n")}\n\n`;
}

/** Place one call; resolves when the connection closes. */
export function placeAsteriskCall(options: AsteriskCallOptions): Promise<AsteriskCallRecord> {
  const record: AsteriskCallRecord = { commands: [], prompts: [], spoken: [], hungUpByIvr: false, hungUpByCaller: false };
  const keypad = [...options.keypad];
  return new Promise((resolve, reject) => {
    const socket = connect({ port: options.port, host: options.host ?? "127.0.0.1", localAddress: options.localAddress });
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => {
      if (!options.silent) socket.write(agiEnvironment(options, socket.localPort ?? 0));
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const command = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        answer(socket, command, record, keypad, options);
        newline = buffer.indexOf("\n");
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") return;
      reject(error);
    });
    socket.on("close", () => resolve(record));
  });
}

function answer(
  socket: Socket,
  command: string,
  record: AsteriskCallRecord,
  keypad: KeypadEntry[],
  options: AsteriskCallOptions,
): void {
  if (record.hungUpByCaller || socket.destroyed) return;
  record.commands.push(command);
  options.onCommand?.(command);
  if (options.hangUpOn?.(command)) return callerHangsUp(socket, record);
  if (options.rejectOn?.(command)) {
    return reply(socket, "520-Invalid command syntax.  Proper usage follows:\n Usage: ...\n520 End of proper usage.");
  }
  const [verb, second, ...rest] = command.split(" ");
  if (verb === "ANSWER") return reply(socket, "200 result=0");
  if (verb === "HANGUP") {
    record.hungUpByIvr = true;
    reply(socket, "200 result=1");
    socket.write("HANGUP\n");
    return;
  }
  if (verb === "STREAM" && second === "FILE") {
    record.prompts.push(promptName(rest[0]));
    return reply(socket, "200 result=0 endpos=16000");
  }
  if (verb === "SAY" && (second === "DIGITS" || second === "NUMBER")) {
    record.spoken.push(rest[0] ?? "");
    return reply(socket, "200 result=0");
  }
  if (verb === "GET" && second === "DATA") {
    record.prompts.push(promptName(rest[0]));
    const entry = keypad.shift() ?? "";
    if (entry === HANG_UP) return callerHangsUp(socket, record);
    if (entry.endsWith("#")) return reply(socket, `200 result=${entry.slice(0, -1)}`);
    return reply(socket, `200 result=${entry} (timeout)`);
  }
  reply(socket, "510 Invalid or unknown command");
}

/** What Asterisk does when the caller hangs up mid-command: notice, -1, then the AGI ends. */
function callerHangsUp(socket: Socket, record: AsteriskCallRecord): void {
  record.hungUpByCaller = true;
  socket.write("HANGUP\n200 result=-1\n");
  socket.end();
}

function reply(socket: Socket, line: string): void {
  socket.write(`${line}\n`);
}

function promptName(file: string | undefined): string {
  return (file ?? "").replace(/^.*\//, "");
}
