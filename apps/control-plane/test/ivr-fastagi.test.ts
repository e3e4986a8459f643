// The FastAGI transport on its own, with the travelers service replaced by a recorder: what
// Asterisk hears and sends, and who may talk to the IVR at all. The same conversations against
// the real control plane and database are in travelers-ivr.test.ts.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normaliseCallerId, WITHHELD_CALLER_ID } from "@gatehouse/core";
import { parseAgiReply } from "../src/ivr/agi-reply.ts";
import { startFastAgiServer, type FastAgiRefusal, type FastAgiServer, type FastAgiServices } from "../src/ivr/fastagi-server.ts";
import { refusalThrottle } from "../src/ivr/refusal-throttle.ts";
import type { IvrCallSummary } from "../src/ivr/traveler-call.ts";
import { createLogger } from "../src/logger.ts";
import { agiEnvironment, HANG_UP, placeAsteriskCall, type AsteriskCallOptions, type KeypadEntry } from "./ivr-asterisk.ts";

const SECRET = "s3cret-for-the-ivr-tests";

class RecordingServices implements FastAgiServices {
  verifications: Array<{ accountNumber: string; pin: string; callerId: string }> = [];
  grants: Array<{ travelerId: string; address: string; callerId: string }> = [];
  links: string[] = [];
  calls: IvrCallSummary[] = [];
  refusals: FastAgiRefusal[] = [];
  /** How long a verification takes (the real one runs argon2). */
  verifyDelayMs = 0;
  async verify(input: { accountNumber: string; pin: string; callerId: string }) {
    this.verifications.push(input);
    await new Promise((resolve) => setTimeout(resolve, this.verifyDelayMs));
    return input.pin === "135790" ? { ok: true as const, travelerId: "t-1" } : { ok: false as const, reason: "invalid" as const };
  }
  async createGrant(input: { travelerId: string; address: string; callerId: string }) {
    this.grants.push(input);
    return { ok: true as const, expiresAt: new Date("2030-06-09T08:30:00Z") };
  }
  async requestLink(input: { travelerId: string }) {
    this.links.push(input.travelerId);
    return { ok: true };
  }
  async recordCall(summary: IvrCallSummary) {
    this.calls.push(summary);
  }
  async recordRefusedConnection(refusal: FastAgiRefusal) {
    this.refusals.push(refusal);
  }
}

const silentLogger = createLogger("silent");
let services: RecordingServices;
let server: FastAgiServer;

beforeAll(async () => {
  services = new RecordingServices();
  server = await startFastAgiServer(
    {
      host: "127.0.0.1",
      port: 0,
      allowedPeers: ["127.0.0.1/32"],
      secret: SECRET,
      ivr: { allowDocumentationAddresses: false },
      promptPrefix: "gatehouse/",
      environmentTimeoutMs: 300,
      replyGraceMs: 10_000,
      maxConnections: 10,
      refusalAuditWindowMs: 0,
      soundCheckIntervalMs: 0,
    },
    services,
    silentLogger,
  );
});
afterAll(async () => server.close());

/**
 * Place a call and wait until the server has recorded it: every connection ends in exactly one
 * call summary or one refusal, possibly a moment after the socket closed.
 */
async function call(options: Partial<AsteriskCallOptions>) {
  const finished = () => services.calls.length + services.refusals.length;
  const before = finished();
  const record = await placeAsteriskCall({ port: server.port, secret: SECRET, keypad: [], ...options });
  for (let wait = 0; wait < 400 && finished() === before; wait += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(finished()).toBe(before + 1);
  return record;
}

const counts = () => ({
  verifications: services.verifications.length,
  grants: services.grants.length,
  calls: services.calls.length,
  refusals: services.refusals.length,
});

describe("a traveler's call over FastAGI", () => {
  it("hears every step and ends with the grant and its expiry", async () => {
    const before = counts();
    const record = await call({ keypad: ["4711#", "135790#", "12*34*56*78#", "1"] });
    expect(record.commands.filter((command) => command.startsWith("GET FULL VARIABLE")).length).toBeGreaterThan(0);
    expect(record.commands.find((command) => !command.startsWith("GET FULL VARIABLE"))).toBe("ANSWER");
    expect(record.commands).toContain('STREAM FILE gatehouse/welcome "0123456789*#"');
    expect(record.commands).toContain("GET DATA gatehouse/enter-account 10000 17");
    expect(record.commands).toContain("GET DATA gatehouse/confirm-or-reenter 6000 1");
    expect(record.commands).toContain('SAY DIGITS 12 "0123456789*#"');
    expect(record.commands).toContain('STREAM FILE gatehouse/goodbye ""');
    expect(record.prompts).toEqual([
      "welcome", "enter-account", "enter-pin", "enter-address",
      "you-entered", "dot", "dot", "dot", "confirm-or-reenter",
      "granted-until", "month-06", "at", "utc", "mail-follows", "goodbye",
    ]);
    expect(record.spoken).toEqual(["12", "34", "56", "78", "9", "0830"]);
    expect(record.hungUpByIvr).toBe(true);
    expect(services.grants.at(-1)).toEqual({ travelerId: "t-1", address: "12.34.56.78", callerId: "15551230000" });
    expect(services.calls.at(-1)).toMatchObject({ outcome: "granted", address: "12.34.56.78", travelerId: "t-1" });
    expect(counts()).toMatchObject({ grants: before.grants + 1, calls: before.calls + 1 });
  });

  it("passes the caller ID on for lockout, and an entry without # still counts", async () => {
    await call({ callerId: "\"Hotel\" <+44 20 7946 0000>", keypad: ["4711", "000000#", HANG_UP] });
    expect(services.verifications.at(-1)).toEqual({ accountNumber: "4711", pin: "000000", callerId: "442079460000" });
  });

  it("says goodbye and hangs up after three silent prompts", async () => {
    const record = await call({ keypad: ["", "", ""] });
    expect(record.prompts).toEqual([
      "welcome", "enter-account", "no-input", "enter-account", "no-input", "enter-account",
      "no-input", "too-many-tries", "goodbye",
    ]);
    expect(record.hungUpByIvr).toBe(true);
    expect(services.calls.at(-1)).toMatchObject({ outcome: "no-input" });
  });

  it.each<[string, KeypadEntry[]]>([
    ["account", [HANG_UP]],
    ["pin", ["4711#", HANG_UP]],
    ["address", ["4711#", "135790#", HANG_UP]],
    ["confirm", ["4711#", "135790#", "12*34*56*78#", HANG_UP]],
  ])("a caller hanging up at the %s prompt creates no grant", async (step, keypad) => {
    const before = counts();
    const record = await call({ keypad });
    expect(record.hungUpByCaller).toBe(true);
    expect(services.calls.at(-1)).toMatchObject({ outcome: "caller-hung-up", hungUpAt: step });
    expect(counts().grants).toBe(before.grants);
  });

  it("a caller hanging up during the read-back creates no grant", async () => {
    const before = counts();
    await call({ keypad: ["4711#", "135790#", "12*34*56*78#"], hangUpOn: (command) => command.startsWith("SAY DIGITS 56") });
    expect(services.calls.at(-1)).toMatchObject({ outcome: "caller-hung-up", hungUpAt: "confirm" });
    expect(counts().grants).toBe(before.grants);
  });

  it("ends the call, granting nothing, when Asterisk rejects a command", async () => {
    const before = counts();
    const record = await call({
      keypad: ["4711#", "135790#", "12*34*56*78#", "1#"],
      rejectOn: (command) => command.startsWith("SAY DIGITS"),
    });
    expect(record.commands.filter((command) => command.startsWith("SAY DIGITS"))).toHaveLength(1);
    expect(services.calls.at(-1)).toMatchObject({ outcome: "technical-problem" });
    expect(counts().grants).toBe(before.grants);
  });
});

describe("what a real Asterisk does, as the emulation plays it", () => {
  it("a 16-key account and PIN are read whole: GET DATA asks for 17, and the # ends them", async () => {
    await call({ keypad: ["1234567890123456#", "6543210987654321#", HANG_UP] });
    expect(services.verifications.at(-1)).toMatchObject({ accountNumber: "1234567890123456", pin: "6543210987654321" });
  });

  it("123*123*123*1234# is refused as too long, never cut to 123.123.123.123 and read back", async () => {
    const before = counts();
    const record = await call({ keypad: ["4711#", "135790#", "123*123*123*1234#", HANG_UP] });
    expect(record.prompts.slice(-2)).toEqual(["entry-too-long", "enter-address"]);
    expect(record.spoken).toEqual([]);
    expect(services.calls.at(-1)).toMatchObject({ outcome: "caller-hung-up", refusals: ["too-long"] });
    expect(counts().grants).toBe(before.grants);
  });

  it("a 17-key account is refused before any verification, and its # does not spill into the next entry", async () => {
    const before = counts();
    const record = await call({ keypad: ["12345678901234567#", "4711#", HANG_UP] });
    expect(record.prompts).toEqual(["welcome", "enter-account", "entry-too-long", "enter-account", "enter-pin"]);
    expect(counts().verifications).toBe(before.verifications);
  });

  it("keys typed during the greeting stop it and begin the account number", async () => {
    const record = await call({ typeAheadOn: (command) => (command.startsWith("STREAM FILE gatehouse/welcome") ? "47" : undefined), keypad: ["11#", "135790#", HANG_UP] });
    expect(services.verifications.at(-1)).toMatchObject({ accountNumber: "4711" });
    expect(record.commands).toContain('GET DATA "" 10000 16');
    expect(record.prompts).not.toContain("enter-account");
  });

  it("1 pressed during the read-back confirms at once, without the rest of it", async () => {
    const before = counts();
    const record = await call({
      keypad: ["4711#", "135790#", "12*34*56*78#"],
      typeAheadOn: (command) => (command.startsWith("SAY DIGITS 34") ? "1" : undefined),
    });
    expect(record.spoken.slice(0, 2)).toEqual(["12", "34"]);
    expect(record.prompts).not.toContain("confirm-or-reenter");
    expect(counts().grants).toBe(before.grants + 1);
  });

  it("an address typed while the PIN is checked is kept and read back", async () => {
    services.verifyDelayMs = 120;
    let typed = false;
    try {
      const record = await call({
        keypad: ["4711#", "135790#", HANG_UP],
        typeAheadOn: (command) => (command.startsWith("WAIT FOR DIGIT") && !typed ? ((typed = true), "12*34*56*78#") : undefined),
      });
      expect(record.commands).toContain("WAIT FOR DIGIT 50");
      expect(record.prompts).not.toContain("enter-address");
      expect(record.spoken.slice(0, 4)).toEqual(["12", "34", "56", "78"]);
    } finally {
      services.verifyDelayMs = 0;
    }
  });

  it("keys typed during the expiry are discarded: it plays whole", async () => {
    const record = await call({
      keypad: ["4711#", "135790#", "12*34*56*78#", "1"],
      typeAheadOn: (command) => (command.startsWith("STREAM FILE gatehouse/granted-until") ? "2" : undefined),
    });
    expect(record.prompts.slice(-5)).toEqual(["month-06", "at", "utc", "mail-follows", "goodbye"]);
  });

  it("a prompt Asterisk does not have ends the call as a technical problem, not as a hang-up", async () => {
    const before = counts();
    const record = await call({ keypad: ["4711#", "135790#"], missingSounds: ["gatehouse/enter-pin"] });
    expect(record.commands).toContain("CHANNEL STATUS");
    expect(record.hungUpByIvr).toBe(true);
    expect(services.calls.at(-1)).toMatchObject({ outcome: "technical-problem", hungUpAt: null });
    expect(counts().verifications).toBe(before.verifications);
    expect(server.health().sounds).toMatchObject({ status: "missing", missing: ["gatehouse/enter-pin"] });
  });

  it("a caller hanging up while a prompt plays is a hang-up, not a missing prompt: at most one question, then the IVR closes", async () => {
    const record = await call({ keypad: [], hangUpOn: (command) => command.startsWith("STREAM FILE gatehouse/welcome") });
    expect(services.calls.at(-1)).toMatchObject({ outcome: "caller-hung-up", hungUpAt: "account" });
    const after = record.commands.slice(record.commands.indexOf('STREAM FILE gatehouse/welcome "0123456789*#"') + 1);
    expect(after.filter((command) => command !== "CHANNEL STATUS")).toEqual([]);
    expect(server.health().sounds.missing).not.toContain("gatehouse/welcome");
  });

  it("missing digit sounds are found at the start of the call and reported, then their return too", async () => {
    await call({ keypad: [HANG_UP], missingSounds: ["digits/7", "digits/30"] });
    expect(server.health().sounds).toMatchObject({ status: "missing", missing: ["digits/7", "digits/30"] });
    await call({ keypad: [HANG_UP] });
    expect(server.health().sounds).toMatchObject({ status: "ok", missing: [] });
  });
});

describe("who may speak AGI to the IVR", () => {
  it("a connection without the secret is closed before any prompt and audited", async () => {
    const before = counts();
    const record = await call({ secret: null, keypad: ["4711#", "135790#", "12*34*56*78#", "1#"] });
    expect(record.commands).toEqual([]);
    expect(services.refusals.at(-1)).toMatchObject({ reason: "wrong-secret", script: "traveler" });
    expect(counts()).toMatchObject({ verifications: before.verifications, grants: before.grants });
  });

  it("a wrong secret is refused the same way", async () => {
    const record = await call({ secret: "not-the-secret-at-all", keypad: ["4711#"] });
    expect(record.commands).toEqual([]);
    expect(services.refusals.at(-1)).toMatchObject({ reason: "wrong-secret" });
  });

  it("a connection from an address not on the list is closed unread and audited", async () => {
    const before = counts();
    const record = await call({ localAddress: "127.0.0.2", keypad: ["4711#", "135790#", "12*34*56*78#", "1#"] });
    expect(record.commands).toEqual([]);
    expect(services.refusals.at(-1)).toEqual({ remoteAddress: "127.0.0.2", reason: "peer-not-allowed", script: null, count: 1 });
    expect(counts()).toMatchObject({ verifications: before.verifications, grants: before.grants });
  });

  it("a peer that sends no AGI environment is dropped", async () => {
    const record = await call({ silent: true });
    expect(record.commands).toEqual([]);
    expect(services.refusals.at(-1)).toMatchObject({ reason: "no-environment" });
  });

  it("another AGI script name is refused", async () => {
    const record = await call({ script: "something-else" });
    expect(record.commands).toEqual([]);
    expect(services.refusals.at(-1)).toMatchObject({ reason: "unknown-script", script: "something-else" });
  });

  it("a peer hammering the port is audited once per window, with the count", () => {
    const throttle = refusalThrottle(60_000);
    expect(throttle.admit("192.0.2.1 wrong-secret", 0)).toBe(1);
    expect(throttle.admit("192.0.2.1 wrong-secret", 1_000)).toBe(0);
    expect(throttle.admit("192.0.2.1 wrong-secret", 2_000)).toBe(0);
    expect(throttle.admit("192.0.2.2 wrong-secret", 2_000)).toBe(1);
    expect(throttle.admit("192.0.2.1 wrong-secret", 61_000)).toBe(3);
  });

  it("listening on every interface (no AGI_HOST), an allowed IPv4 Asterisk still gets through", async () => {
    const everywhere = await startFastAgiServer({ ...baseOptions(), host: undefined }, services, silentLogger);
    try {
      const before = counts();
      const record = await placeAsteriskCall({ port: everywhere.port, secret: SECRET, keypad: [HANG_UP] });
      expect(record.commands).toContain("ANSWER");
      for (let wait = 0; wait < 400 && services.calls.length === before.calls; wait += 1) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(counts()).toMatchObject({ calls: before.calls + 1, refusals: before.refusals });
    } finally {
      await everywhere.close();
    }
  });

  it("refuses to start with a short secret", async () => {
    await expect(
      startFastAgiServer({ ...baseOptions(), secret: "short" }, services, silentLogger),
    ).rejects.toThrow(/at least 16/);
  });
});

describe("a peer sending a line longer than 8 KiB", () => {
  /** The environment Asterisk would send, with a 60 KB caller name inside it. */
  const floodedEnvironment = () =>
    agiEnvironment({ port: server.port, secret: SECRET, keypad: [] }, 0).replace("agi_calleridname: Traveler", `agi_calleridname: ${"A".repeat(60_000)}`);

  /**
   * Writes `pieces` one write each over a real TCP connection; resolves with what the IVR sent
   * back once the connection closes (we hang up ourselves once `enough` says so).
   */
  function sendRaw(pieces: string[], enough: (received: string) => boolean = () => false): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port: server.port, host: "127.0.0.1" });
      let received = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        received += chunk;
        if (enough(received)) socket.end();
      });
      socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error)));
      socket.on("close", () => resolve(received));
      const writeOneByOne = async (): Promise<void> => {
        for (const piece of pieces) {
          if (socket.destroyed) return;
          socket.write(piece);
          await new Promise((next) => setTimeout(next, 2));
        }
      };
      socket.on("connect", () => {
        writeOneByOne().catch(reject);
      });
    });
  }

  async function expectRefusedUnprocessed(pieces: string[]): Promise<void> {
    const before = counts();
    const received = await sendRaw(pieces);
    for (let wait = 0; wait < 400 && counts().refusals === before.refusals; wait += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received).toBe("");
    expect(services.refusals.at(-1)).toMatchObject({ reason: "line-too-long" });
    expect(counts()).toEqual({ ...before, refusals: before.refusals + 1 });
  }

  it("in one write, with the rest of a valid environment around it, is refused before any prompt", async () => {
    await expectRefusedUnprocessed([floodedEnvironment()]);
  });

  it("in 1 KB pieces is refused the same way", async () => {
    const text = floodedEnvironment();
    const pieces = Array.from({ length: Math.ceil(text.length / 1024) }, (_, index) => text.slice(index * 1024, (index + 1) * 1024));
    await expectRefusedUnprocessed(pieces);
  });

  it("without any newline at all is refused", async () => {
    await expectRefusedUnprocessed(["agi_network: yes\n", "B".repeat(60_000)]);
  });

  it("as a reply during the call ends the call unverified", async () => {
    const before = counts();
    await call({ keypad: ["4711#", "135790#", "12*34*56*78#", "1"], answerOn: (command) => (command.startsWith("GET DATA gatehouse/enter-account") ? `200 result=${"4".repeat(60_000)}` : undefined) });
    expect(services.calls.at(-1)).toMatchObject({ outcome: "technical-problem" });
    expect(counts()).toMatchObject({ verifications: before.verifications, grants: before.grants });
  });

  it("a line of exactly 8 KiB is still accepted", async () => {
    const before = counts();
    const exact = agiEnvironment({ port: server.port, secret: SECRET, keypad: [] }, 0).replace("agi_calleridname: Traveler", `agi_calleridname: ${"A".repeat(8192 - "agi_calleridname: ".length)}`);
    const received = await sendRaw([exact], (text) => text.includes("\n"));
    expect(received).toMatch(/^GET FULL VARIABLE /);
    expect(counts().refusals).toBe(before.refusals);
  });
});

describe("AGI replies", () => {
  it.each([
    ["200 result=0 endpos=16000", { kind: "success", result: "0", data: null, fields: { endpos: "16000" } }],
    ["200 result=4711", { kind: "success", result: "4711", data: null, fields: {} }],
    ["200 result=12*34 (timeout)", { kind: "success", result: "12*34", data: "timeout", fields: {} }],
    ["200 result= (timeout)", { kind: "success", result: "", data: "timeout", fields: {} }],
    ["200 result=-1", { kind: "success", result: "-1", data: null, fields: {} }],
    ["511 Command Not Permitted on a dead channel or intercept routine", { kind: "dead-channel" }],
    ["510 Invalid or unknown command", { kind: "error", code: 510 }],
    ["520 Invalid command syntax.  Proper usage follows:", { kind: "error", code: 520 }],
    ["garbage", { kind: "error", code: 0 }],
  ])("%s", (line, expected) => {
    expect(parseAgiReply(line)).toMatchObject(expected);
  });

  it("caller IDs are reduced to their digits, and withheld when there are none", () => {
    expect(normaliseCallerId("+1 (555) 123-0000")).toBe("15551230000");
    expect(normaliseCallerId("unknown")).toBe(WITHHELD_CALLER_ID);
    expect(normaliseCallerId("")).toBe(WITHHELD_CALLER_ID);
    expect(normaliseCallerId(undefined)).toBe(WITHHELD_CALLER_ID);
  });
});

function baseOptions() {
  return {
    host: "127.0.0.1",
    port: 0,
    allowedPeers: ["127.0.0.1/32"],
    secret: SECRET,
    ivr: {},
    promptPrefix: "gatehouse/",
    environmentTimeoutMs: 300,
    replyGraceMs: 10_000,
    maxConnections: 10,
    refusalAuditWindowMs: 0,
    soundCheckIntervalMs: 0,
  };
}
