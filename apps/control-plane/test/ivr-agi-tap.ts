// A transparent TCP relay between a real Asterisk and the control plane's FastAGI port, for
// tests: every byte is passed on unchanged; on the way it reads the lines, so a test knows
// which command the IVR sent when (to type keys at the right prompt) and what Asterisk
// answered. Each conversation is named by its agi_callerid.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface AgiTranscript {
  callerId: string;
  environment: Record<string, string>;
  /** Lines in order: "> COMMAND" from the control plane, "< reply" from Asterisk. */
  lines: string[];
  commands: string[];
  closed: Promise<void>;
}

export interface AgiTap {
  port: number;
  /** Called with each command the control plane sends, as it passes. */
  onCommand: ((transcript: AgiTranscript, command: string) => void) | null;
  /** Called with each line Asterisk sends after the environment, as it passes. */
  onReply: ((transcript: AgiTranscript, line: string) => void) | null;
  /** The conversation of a caller ID, once its environment has arrived. */
  transcript(callerId: string): Promise<AgiTranscript>;
  close(): Promise<void>;
}

export async function startAgiTap(targetPort: number): Promise<AgiTap> {
  const transcripts = new Map<string, AgiTranscript>();
  const waiting = new Map<string, (transcript: AgiTranscript) => void>();
  const sockets = new Set<Socket>();
  const tap: AgiTap = {
    port: 0,
    onCommand: null,
    onReply: null,
    transcript(callerId) {
      const known = transcripts.get(callerId);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiting.set(callerId, resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((asterisk) => {
    const plane = connect({ port: targetPort, host: "127.0.0.1" });
    for (const socket of [asterisk, plane]) {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    let closeTranscript: () => void = () => undefined;
    const transcript: AgiTranscript = {
      callerId: "",
      environment: {},
      lines: [],
      commands: [],
      closed: new Promise((resolve) => (closeTranscript = resolve)),
    };
    let inEnvironment = true;
    const fromAsterisk = lineReader((line) => {
      if (inEnvironment) {
        if (line === "") {
          inEnvironment = false;
          transcript.callerId = transcript.environment.agi_callerid ?? "";
          transcripts.set(transcript.callerId, transcript);
          waiting.get(transcript.callerId)?.(transcript);
          waiting.delete(transcript.callerId);
          return;
        }
        const colon = line.indexOf(": ");
        if (colon > 0) transcript.environment[line.slice(0, colon)] = line.slice(colon + 2);
        return;
      }
      transcript.lines.push(`< ${line}`);
      tap.onReply?.(transcript, line);
    });
    const fromPlane = lineReader((line) => {
      transcript.lines.push(`> ${line}`);
      transcript.commands.push(line);
      tap.onCommand?.(transcript, line);
    });
    asterisk.on("data", (chunk: Buffer) => {
      fromAsterisk(chunk);
      plane.write(chunk);
    });
    plane.on("data", (chunk: Buffer) => {
      fromPlane(chunk);
      asterisk.write(chunk);
    });
    asterisk.on("end", () => plane.end());
    plane.on("end", () => asterisk.end());
    let open = 2;
    const oneClosed = () => {
      open -= 1;
      if (open === 0) closeTranscript();
    };
    asterisk.once("close", () => (plane.destroy(), oneClosed()));
    plane.once("close", () => (asterisk.destroy(), oneClosed()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  tap.port = typeof address === "object" && address ? address.port : 0;
  return tap;
}

function lineReader(onLine: (line: string) => void): (chunk: Buffer) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk.toString("utf8");
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      onLine(buffer.slice(0, newline).replace(/\r$/, ""));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
    }
  };
}
