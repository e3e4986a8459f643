// Asterisk's side of a FastAGI conversation, byte for byte, for the fast tests: it connects like
// `AGI(agi://host:port/traveler,<secret>)` does, sends the agi_* environment and its blank
// line, then answers each command as the real Asterisk 22 answered them (ivr-real-asterisk
// .test.ts is the arbiter; ../shared/asterisk/README.md lists what was checked):
// - GET DATA reads at most its maxDigits keys, ending at `#`; what the caller typed beyond
//   that arrives during the next command;
// - keys arriving while STREAM FILE / SAY plays with escape digits "" are discarded; with
//   escape digits, the first one stops it (`result=<its code>`);
// - a caller hang-up answers the command in progress `200 result=-1`, then sends HANGUP, keeps
//   the socket open and answers every later command with 511;
// - a sound it does not have answers `200 result=-1` with the caller still there.
// The caller's keypad is a script of entries, one per GET DATA; the caller can hang up at any
// command and type ahead during any.
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
  /** Keys the caller types while this command runs (before its own keypad entry, if any). */
  typeAheadOn?: (command: string) => string | undefined;
  /** Answer these commands with this line instead (a broken or hostile peer). */
  answerOn?: (command: string) => string | undefined;
  /** Answer these commands with Asterisk's multi-line 520 usage error. */
  rejectOn?: (command: string) => boolean;
  /** Sounds this Asterisk lacks, e.g. "gatehouse/welcome" or "digits/7". */
  missingSounds?: readonly string[];
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
  /** Commands answered 511 because the channel was gone. */
  deadChannelReplies: number;
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
    "agi_version: 22.10.1",
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
    "agi_priority: 6",
    "agi_enhanced: 0.0",
    "agi_accountcode: ",
    "agi_threadid: 140123456789",
  ];
  if (options.secret !== null) lines.push(`agi_arg_1: ${options.secret}`);
  return `${lines.join("\n")}\n\n`;
}

interface Channel {
  socket: Socket;
  record: AsteriskCallRecord;
  options: AsteriskCallOptions;
  keypad: KeypadEntry[];
  /** Keys typed but not yet read: they arrive during the next command. */
  pending: string;
  dead: boolean;
}

/** Place one call; resolves when the connection closes. */
export function placeAsteriskCall(options: AsteriskCallOptions): Promise<AsteriskCallRecord> {
  const record: AsteriskCallRecord = { commands: [], prompts: [], spoken: [], hungUpByIvr: false, hungUpByCaller: false, deadChannelReplies: 0 };
  return new Promise((resolve, reject) => {
    const socket = connect({ port: options.port, host: options.host ?? "127.0.0.1", localAddress: options.localAddress });
    const channel: Channel = { socket, record, options, keypad: [...options.keypad], pending: "", dead: false };
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
        if (!socket.destroyed) answer(channel, command);
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

function answer(channel: Channel, command: string): void {
  const { record, options } = channel;
  record.commands.push(command);
  options.onCommand?.(command);
  if (channel.dead) {
    record.deadChannelReplies += 1;
    return reply(channel, "511 Command Not Permitted on a dead channel or intercept routine");
  }
  channel.pending += options.typeAheadOn?.(command) ?? "";
  if (options.hangUpOn?.(command)) return callerHangsUp(channel, command);
  const forced = options.answerOn?.(command);
  if (forced !== undefined) return reply(channel, forced);
  if (options.rejectOn?.(command)) {
    return reply(channel, "520-Invalid command syntax.  Proper usage follows:\n Usage: ...\n520 End of proper usage.");
  }
  const [verb, second, ...rest] = splitArguments(command);
  if (verb === "ANSWER") return reply(channel, "200 result=0");
  if (verb === "CHANNEL" && second === "STATUS") return reply(channel, "200 result=6");
  if (verb === "GET" && second === "FULL") return reply(channel, `200 result=1 (${soundFlags(command, options.missingSounds ?? [])})`);
  if (verb === "HANGUP") {
    record.hungUpByIvr = true;
    reply(channel, "200 result=1");
    return goneAway(channel);
  }
  if (verb === "STREAM" && second === "FILE") return play(channel, rest[0] ?? "", rest[1] ?? "", "endpos=16000");
  if (verb === "SAY" && (second === "DIGITS" || second === "NUMBER")) {
    record.spoken.push(rest[0] ?? "");
    return play(channel, null, rest[1] ?? "", "");
  }
  if (verb === "GET" && second === "DATA") return getData(channel, rest[0] ?? "", Number(rest[2] ?? 1024));
  if (verb === "WAIT" && second === "FOR") return waitForDigit(channel, Number(rest[1] ?? 0));
  reply(channel, "510 Invalid or unknown command");
}

/** STREAM FILE / SAY: a key waiting stops it if it is an escape digit, else it is discarded. */
function play(channel: Channel, file: string | null, escapeDigits: string, tail: string): void {
  if (file !== null) {
    channel.record.prompts.push(promptName(file));
    if (channel.options.missingSounds?.includes(file)) return reply(channel, "200 result=-1 endpos=0");
  }
  const key = channel.pending[0];
  if (key !== undefined && escapeDigits.includes(key)) {
    channel.pending = channel.pending.slice(1);
    return reply(channel, `200 result=${key.charCodeAt(0)}${tail ? ` ${tail}` : ""}`);
  }
  channel.pending = "";
  reply(channel, `200 result=0${tail ? ` ${tail}` : ""}`);
}

/** GET DATA: keys already typed first, else this prompt's keypad entry; at most `max` keys. */
function getData(channel: Channel, file: string, max: number): void {
  if (file !== "") {
    channel.record.prompts.push(promptName(file));
    if (channel.options.missingSounds?.includes(file)) return reply(channel, "200 result=-1");
  }
  // Keys already typed end the entry by themselves (a `#`, or enough of them), else the caller
  // goes on typing this prompt's entry.
  if (!channel.pending.includes("#") && channel.pending.length < max) {
    const entry = channel.keypad.shift() ?? "";
    if (entry === HANG_UP) return callerHangsUp(channel, "GET DATA");
    channel.pending += entry;
  }
  const keys = channel.pending;
  const pound = keys.indexOf("#");
  if (pound >= 0 && pound <= max) {
    const read = keys.slice(0, Math.min(pound, max));
    channel.pending = pound < max ? keys.slice(pound + 1) : keys.slice(max);
    return reply(channel, `200 result=${read}`);
  }
  if (keys.length >= max) {
    channel.pending = keys.slice(max);
    return reply(channel, `200 result=${keys.slice(0, max)}`);
  }
  channel.pending = "";
  reply(channel, `200 result=${keys} (timeout)`);
}

/** WAIT FOR DIGIT: the first key typed, as its code, or 0 after the timeout. */
function waitForDigit(channel: Channel, timeoutMs: number): void {
  const key = channel.pending[0];
  if (key === undefined) {
    setTimeout(() => channel.socket.destroyed || reply(channel, "200 result=0"), timeoutMs);
    return;
  }
  channel.pending = channel.pending.slice(1);
  reply(channel, `200 result=${key.charCodeAt(0)}`);
}

/** One 0/1 per `$[...]` of the sound check, 0 for the sounds this Asterisk lacks. */
function soundFlags(command: string, missing: readonly string[]): string {
  const sounds = [...command.matchAll(/\$\[\$\{STAT\(e,[^)]*\/sounds\/\$\{CHANNEL\(language\)\}\/([^.]+)\./g)].map((match) => match[1] ?? "");
  return sounds.map((sound) => (missing.includes(sound) ? "0" : "1")).join("");
}

/** What Asterisk does when the caller hangs up mid-command: -1, then HANGUP, socket kept open. */
function callerHangsUp(channel: Channel, command: string): void {
  channel.record.hungUpByCaller = true;
  reply(channel, command.startsWith("STREAM FILE") ? "200 result=-1 endpos=4000" : "200 result=-1");
  goneAway(channel);
}

function goneAway(channel: Channel): void {
  channel.dead = true;
  channel.socket.write("HANGUP\n");
}

function reply(channel: Channel, line: string): void {
  channel.socket.write(`${line}\n`);
}

/** AGI's argument splitting: spaces separate, double quotes group ("" is an empty argument). */
function splitArguments(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? "");
}

function promptName(file: string): string {
  return file.replace(/^.*\//, "");
}
