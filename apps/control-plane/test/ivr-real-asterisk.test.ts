// The traveler IVR against a real Asterisk 22 (the arbiter of what ivr-asterisk.ts emulates),
// running the project's own dialplan and prompts, calls placed through Local channels with
// SendDTMF typing the keys: the real control plane on a real database, a real SMTP server.
// A relay (ivr-agi-tap.ts) between Asterisk and the control plane passes every byte on and
// tells the caller when to type. One Asterisk for the file, calls one after another.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { travelersExtension } from "../src/travelers/extension.ts";
import { seedFleet, startUnderTest, type Fleet, type PlaneUnderTest, startTestSmtpServer, type TestSmtpServer } from "./kit/index.ts";
import { startAgiTap, type AgiTap, type AgiTranscript } from "./ivr-agi-tap.ts";
import { asteriskCapability, startRealAsterisk, type RealAsterisk } from "./ivr-real-asterisk.ts";

const runs = requireCapability("real Asterisk", asteriskCapability());

const SECRET = "a-long-shared-agi-secret-for-real-asterisk";
const PIN = "135790";
/** A port nothing listens on: the first control plane, down. */
const DOWN_PORT = "9";

/** Type `keys` ("H" = hang up) when the IVR sends a command starting with `on`. */
type Step = [on: string, keys: string];

let test: PlaneUnderTest;
let smtp: TestSmtpServer;
let fleet: Fleet;
let tap: AgiTap;
let asterisk: RealAsterisk;
/** By caller ID: what the caller still has to type, and the call it was placed as. */
const scripts = new Map<string, Step[]>();
const placed = new Map<string, number>();

beforeAll(async () => {
  if (!runs) return;
  smtp = await startTestSmtpServer();
  test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
    env: {
      SMTP_URL: smtp.url, MAIL_FROM: "Gatehouse <gatehouse@example.net>", AGI_SECRET: SECRET,
      AGI_ALLOWED_ADDRESSES: "127.0.0.1", AGI_HOST: "127.0.0.1", AGI_PORT: "0",
    },
    travelers: { mailRetry: { attempts: 3, firstDelayMs: 1, sleep: async () => undefined } },
    extensions: [travelersExtension({ agiRefusalAuditWindowMs: 0, agiSoundCheckIntervalMs: 0 })],
  });
  fleet = await seedFleet(test.admin);
  tap = await startAgiTap(test.plane.app.fastAgiPort ?? 0);
  tap.onCommand = (transcript, command) => {
    const steps = scripts.get(transcript.callerId) ?? [];
    const next = steps[0];
    if (next && command.startsWith(next[0])) {
      steps.shift();
      asterisk.press({ id: placed.get(transcript.callerId) ?? 0, callerId: transcript.callerId }, next[1]);
    }
  };
  asterisk = await startRealAsterisk({
    globals: { GATEHOUSE_AGI_HOST: "127.0.0.1", GATEHOUSE_AGI_PORT: String(tap.port), GATEHOUSE_AGI_SECRET: SECRET },
  });
});
afterAll(async () => {
  await asterisk?.stop();
  await tap?.close();
  await test?.stop();
  await smtp?.close();
});

let callers = 0;
/** A caller ID of its own for each call, so its audit and its AGI conversation can be found. */
function nextCallerId(): string {
  callers += 1;
  return `+1555200${String(callers).padStart(4, "0")}`;
}

/**
 * Call the DID and play the caller's part; resolves with the AGI conversation once it is over
 * and the control plane has audited the call (or refused it).
 */
async function dial(steps: Step[], options: { callerId?: string; variables?: Record<string, string> } = {}): Promise<AgiTranscript> {
  const callerId = options.callerId ?? nextCallerId();
  scripts.set(callerId, [...steps]);
  placed.set(callerId, asterisk.call(callerId, options.variables).id);
  const transcript = await tap.transcript(callerId);
  await transcript.closed;
  return transcript;
}

/** Prompts the IVR asked Asterisk to play, in order (STREAM FILE and GET DATA), by name. */
function prompts(transcript: AgiTranscript): string[] {
  return transcript.commands.flatMap((command) => {
    const match = /^(?:STREAM FILE|GET DATA) gatehouse\/(\S+)/.exec(command);
    return match ? [match[1] ?? ""] : [];
  });
}

interface CallAudit {
  outcome: string;
  hungUpAt: string | null;
  refusals: string[];
  callerId: string;
}

async function callAudit(callerId: string): Promise<CallAudit> {
  const digits = callerId.replace(/\D/g, "");
  const read = async () => {
    const events = await test.db.prisma.auditEvent.findMany({ where: { action: "ivr.call.ended" } });
    return events.map((event) => event.after as unknown as CallAudit).filter((after) => after.callerId === digits);
  };
  const mine = await vi.waitFor(async () => {
    const found = await read();
    expect(found).not.toEqual([]);
    return found;
  }, 5_000);
  expect(mine).toHaveLength(1);
  return mine[0] as CallAudit;
}

let travelers = 0;
async function newTraveler(overrides: { email?: string; pin?: string } = {}) {
  travelers += 1;
  const { traveler } = await test.admin.travelers.create.mutate({
    tenantId: fleet.tenantA.id, pin: overrides.pin ?? PIN, name: `Caller ${travelers}`, email: overrides.email ?? `real${travelers}@road.example`,
  });
  return { id: traveler.id, accountNumber: traveler.accountNumber };
}

async function grantsOf(travelerId: string) {
  return test.db.prisma.travelerGrant.findMany({ where: { travelerId }, orderBy: { createdAt: "asc" } });
}

async function health(): Promise<{ ivr: { sounds: { status: string; missing: string[] } } }> {
  return (await fetch(`${test.plane.url}/healthz`)).json() as Promise<{ ivr: { sounds: { status: string; missing: string[] } } }>;
}

/**
 * Logging in as callers who know the IVR do: the account typed into the greeting, the PIN at
 * its prompt. Every prompt a caller need not hear is typed through, to keep the suite fast.
 */
const login = (account: string, pin = PIN): Step[] => [["STREAM FILE gatehouse/welcome", `${account}#`], ["GET DATA gatehouse/enter-pin", `${pin}#`]];
/** After "not valid", the account again, typed into the explanation. */
const loginAgain = (account: string, pin = PIN): Step[] => [["STREAM FILE gatehouse/login-incorrect", `${account}#`], ["GET DATA gatehouse/enter-pin", `${pin}#`]];

describe.skipIf(!runs)("a traveler calls the DID on a real Asterisk", () => {
  it("the happy path: every prompt plays, the grant is written, the expiry is said and the mail arrives", async () => {
    const traveler = await newTraveler({ email: "happy@road.example" });
    const call = await dial([
      ["GET DATA gatehouse/enter-account", `${traveler.accountNumber}#`],
      ["GET DATA gatehouse/enter-pin", `${PIN}#`],
      ["GET DATA gatehouse/enter-address", "81*2*69*160#"],
      ["GET DATA gatehouse/confirm-or-reenter", "1"],
    ]);
    expect(await callAudit(call.callerId)).toMatchObject({ outcome: "granted", hungUpAt: null });
    expect(prompts(call)).toEqual([
      "welcome", "enter-account", "enter-pin", "enter-address", "you-entered", "dot", "dot", "dot", "confirm-or-reenter",
      "granted-until", expect.stringMatching(/^month-\d\d$/), "at", "utc", "mail-follows", "goodbye",
    ]);
    expect(call.lines).toContain("< 200 result=81*2*69*160");
    expect(call.commands.at(-1)).toBe("HANGUP");
    expect((await grantsOf(traveler.id)).map((grant) => [grant.address, grant.channel])).toEqual([["81.2.69.160", "IVR"]]);
    const mail = await vi.waitUntil(() => smtp.received.find((received) => received.to.includes("happy@road.example")), 5_000);
    expect(mail.subject).toContain("81.2.69.160 is allowed until");
    expect(asterisk.log()).not.toMatch(/does not exist|Gatehouse: /);
    expect((await health()).ivr.sounds).toEqual(expect.objectContaining({ status: "ok", missing: [] }));
  });

  it("a 16-digit account and a 16-digit PIN, the longest allowed, log in", async () => {
    const traveler = await newTraveler({ pin: "1234567890123456" });
    await test.db.prisma.traveler.update({ where: { id: traveler.id }, data: { accountNumber: "9876543210987654" } });
    const call = await dial([...login("9876543210987654", "1234567890123456"), ["GET DATA gatehouse/enter-address", "H"]]);
    expect(prompts(call).at(-1)).toBe("enter-address");
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.login.failed", targetId: traveler.id } })).toBe(0);
  });

  it("123*123*123*1234# is refused as too long, never cut to 123.123.123.123 and read back; a 17-digit account costs no login", async () => {
    const traveler = await newTraveler();
    const call = await dial([
      ["STREAM FILE gatehouse/welcome", "12345678901234567#"],
      ["GET DATA gatehouse/enter-account", `${traveler.accountNumber}#`],
      ["GET DATA gatehouse/enter-pin", `${PIN}#`],
      ["GET DATA gatehouse/enter-address", "123*123*123*1234#"],
      ["GET DATA gatehouse/enter-address", "H"],
    ]);
    expect(prompts(call).slice(0, 3)).toEqual(["welcome", "entry-too-long", "enter-account"]);
    expect(prompts(call).slice(-2)).toEqual(["entry-too-long", "enter-address"]);
    expect(call.commands.some((command) => command.startsWith("SAY DIGITS"))).toBe(false);
    expect(await callAudit(call.callerId)).toMatchObject({ outcome: "caller-hung-up", refusals: ["too-long"] });
    expect(await grantsOf(traveler.id)).toEqual([]);
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.login.failed", targetId: traveler.id } })).toBe(0);
  });

  it("a caller typing ahead — the account during the greeting, 1 during the read-back — is understood", async () => {
    const traveler = await newTraveler();
    const call = await dial([
      ["STREAM FILE gatehouse/welcome", `${traveler.accountNumber}#`],
      ["GET DATA gatehouse/enter-pin", `${PIN}#`],
      ["GET DATA gatehouse/enter-address", "81*2*69*161#"],
      ["STREAM FILE gatehouse/you-entered", "1"],
      ["STREAM FILE gatehouse/granted-until", "H"],
    ]);
    expect(prompts(call)).not.toContain("enter-account");
    expect(prompts(call)).not.toContain("confirm-or-reenter");
    expect((await grantsOf(traveler.id)).map((grant) => grant.address)).toEqual(["81.2.69.161"]);
  });

  it("five wrong PINs from one phone shut it out of the account: the right PIN then sounds exactly like a wrong one", async () => {
    const traveler = await newTraveler();
    const callerId = nextCallerId();
    const account = traveler.accountNumber;
    // The third "not valid" ends the call with a goodbye: the caller hangs up as it starts.
    const hangUpAtTheThird: Step = ["STREAM FILE gatehouse/login-incorrect", "H"];
    await dial([...login(account, "111111"), ...loginAgain(account, "222222"), ...loginAgain(account, "333333"), hangUpAtTheThird], { callerId });
    await callAudit(callerId);
    const second = nextCallerId();
    // The same phone number, written differently by the trunk: the same lockout key.
    const again = await dial([...login(account, "444444"), ...loginAgain(account, "555555"), ...loginAgain(account), hangUpAtTheThird], { callerId: callerId.replace("+", "") });
    expect(prompts(again).filter((prompt) => prompt === "login-incorrect")).toHaveLength(3);
    expect(prompts(again)).not.toContain("enter-address");
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.login.failed", targetId: traveler.id } })).toBe(5);
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.login.refused", targetId: traveler.id } })).toBe(1);
    const elsewhere = await dial([...login(traveler.accountNumber), ["GET DATA gatehouse/enter-address", "H"]], { callerId: second });
    expect(prompts(elsewhere).at(-1)).toBe("enter-address");
  });

  it.each<[string, string[], string[]]>([
    ["not in the public Internet", ["10*0*0*1", "127*0*0*1", "169*254*1*1"], ["private", "loopback", "link-local"]],
    ["shared, multicast and reserved", ["100*64*0*1", "224*0*0*1", "240*0*0*1"], ["shared", "multicast", "reserved"]],
    ["documentation and malformed", ["203*0*113*5", "12**34*5", "999*1*1*1"], ["documentation", "empty-part", "part-range"]],
    ["malformed", ["1*2*3", "01*2*3*4", "1*2*3*4*5"], ["part-count", "leading-zero", "part-count"]],
  ])("addresses %s are refused with their reason spoken, and nothing is granted", async (_what, addresses, reasons) => {
    const traveler = await newTraveler();
    // Each next address typed into the explanation of the last; the third ends in goodbye.
    const call = await dial([
      ...login(traveler.accountNumber),
      ["GET DATA gatehouse/enter-address", `${addresses[0]}#`],
      ["STREAM FILE gatehouse/", `${addresses[1]}#`],
      ["STREAM FILE gatehouse/", `${addresses[2]}#`],
      ["STREAM FILE gatehouse/", "H"],
    ]);
    expect(await callAudit(call.callerId)).toMatchObject({ refusals: reasons });
    const spoken = prompts(call).filter((prompt) => prompt.startsWith("refused-") || prompt.startsWith("address-"));
    expect(spoken).toHaveLength(3);
    expect(await grantsOf(traveler.id)).toEqual([]);
  });

  it("pressing 0 at the address mails a single-use link", async () => {
    const traveler = await newTraveler({ email: "link@road.example" });
    // Once "a link is on its way" starts, the caller has heard enough and hangs up.
    const call = await dial([...login(traveler.accountNumber), ["GET DATA gatehouse/enter-address", "0#"], ["STREAM FILE gatehouse/link-sent", "H"]]);
    expect(await callAudit(call.callerId)).toMatchObject({ outcome: "link-sent" });
    expect(prompts(call).at(-1)).toBe("link-sent");
    const mail = await vi.waitUntil(() => smtp.received.find((received) => received.to.includes("link@road.example")), 5_000);
    expect(mail.text).toMatch(/\/traveler\/link\?token=[A-Za-z0-9_-]+/);
    expect(await grantsOf(traveler.id)).toEqual([]);
  });
});

describe.skipIf(!runs)("a caller hanging up on a real Asterisk", () => {
  it.each<[string, (account: string) => Step[], string]>([
    ["greeting", () => [["STREAM FILE gatehouse/welcome", "H"]], "account"],
    ["account", () => [["GET DATA gatehouse/enter-account", "H"]], "account"],
    ["PIN", (account) => [["STREAM FILE gatehouse/welcome", `${account}#`], ["GET DATA gatehouse/enter-pin", "H"]], "pin"],
    ["address", (account) => [...login(account), ["GET DATA gatehouse/enter-address", "H"]], "address"],
    ["read-back", (account) => [...login(account), ["GET DATA gatehouse/enter-address", "81*2*69*162#"], ["SAY DIGITS 2", "H"]], "confirm"],
    ["confirmation", (account) => [...login(account), ["GET DATA gatehouse/enter-address", "81*2*69*163#"], ["GET DATA gatehouse/confirm-or-reenter", "H"]], "confirm"],
  ])("at the %s is a hang-up (not a missing prompt), and leaves nothing written", async (_step, steps, hungUpAt) => {
    const traveler = await newTraveler();
    const call = await dial(steps(traveler.accountNumber));
    expect(await callAudit(call.callerId)).toMatchObject({ outcome: "caller-hung-up", hungUpAt });
    expect(call.lines).toContain("< HANGUP");
    expect(await grantsOf(traveler.id)).toEqual([]);
    expect((await health()).ivr.sounds.status).toBe("ok");
  });
});

describe.skipIf(!runs)("an Asterisk without the IVR's sounds", () => {
  it("without the prompts, the call ends as a technical problem (not a hang-up), and /healthz names what is missing", async () => {
    asterisk.hideSounds("gatehouse", true);
    try {
      const call = await dial([]);
      expect(await callAudit(call.callerId)).toMatchObject({ outcome: "technical-problem", hungUpAt: null });
      expect(call.commands).toContain("CHANNEL STATUS");
      const sounds = (await health()).ivr.sounds;
      expect(sounds.status).toBe("missing");
      expect(sounds.missing).toEqual(expect.arrayContaining(["gatehouse/welcome", "gatehouse/enter-account", "gatehouse/technical-problem"]));
      expect(sounds.missing).not.toContain("digits/1");
      await vi.waitFor(() => expect(asterisk.log()).toContain("File gatehouse/welcome does not exist"), 5_000);
    } finally {
      asterisk.hideSounds("gatehouse", false);
    }
  });

  it("without the digit sounds, /healthz says so at the next call, and again once they are back", async () => {
    asterisk.hideSounds("digits", true);
    try {
      const call = await dial([["GET DATA gatehouse/enter-account", "H"]]);
      await callAudit(call.callerId);
      const sounds = (await health()).ivr.sounds;
      expect(sounds).toMatchObject({ status: "missing" });
      expect(sounds.missing).toEqual(expect.arrayContaining(["digits/0", "digits/9", "digits/30"]));
      expect(sounds.missing.some((sound) => sound.startsWith("gatehouse/"))).toBe(false);
    } finally {
      asterisk.hideSounds("digits", false);
    }
    const after = await dial([["GET DATA gatehouse/enter-account", "H"]]);
    await callAudit(after.callerId);
    expect((await health()).ivr.sounds).toMatchObject({ status: "ok", missing: [] });
  });
});

describe.skipIf(!runs)("the dialplan around the IVR", () => {
  async function refusals() {
    return test.db.prisma.auditEvent.count({ where: { action: "ivr.connection.refused" } });
  }

  it.each<[string, string]>([
    ["no secret", ""],
    ["a wrong secret", "guessed-secret-value-1234"],
  ])("with %s the call is refused, audited, and the dialplan warns and plays technical-problem", async (_what, secret) => {
    const before = await refusals();
    const warnings = asterisk.log().split("the traveler IVR ended without hanging up").length;
    const call = await dial([], { variables: { GATEHOUSE_AGI_SECRET: secret } });
    expect(call.commands).toEqual([]);
    await vi.waitFor(async () => expect(await refusals()).toBeGreaterThan(before), 5_000);
    expect(await refusals()).toBe(before + 1);
    await vi.waitFor(() => expect(asterisk.log().split("the traveler IVR ended without hanging up").length).toBeGreaterThan(warnings), 5_000);
    expect(asterisk.log()).toContain("AGISTATUS=SUCCESS");
  });

  it("when the first control plane is down, the call goes to the second one, with a warning", async () => {
    const traveler = await newTraveler();
    const call = await dial([...login(traveler.accountNumber), ["GET DATA gatehouse/enter-address", "H"]], {
      variables: { GATEHOUSE_AGI_PORT: DOWN_PORT, GATEHOUSE_AGI_HOST_2: "127.0.0.1", GATEHOUSE_AGI_PORT_2: String(tap.port) },
    });
    expect(prompts(call).at(-1)).toBe("enter-address");
    expect(asterisk.log()).toContain(`control plane 127.0.0.1:${DOWN_PORT} unreachable - trying 127.0.0.1:${tap.port}`);
  });
});
