import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { WITHHELD_CALLER_ID } from "./caller-id.ts";
import { advanceIvr, IvrEventError, newIvrCall } from "./machine.ts";
import { IVR_PROMPT_IDS } from "./prompts.ts";
import type { IvrAction, IvrConfig, IvrEvent, IvrState } from "./types.ts";

/** A call driven event by event, keeping the last transition's actions. */
class Call {
  state: IvrState;
  actions: IvrAction[] = [];
  constructor(config: Partial<IvrConfig> = {}) {
    this.state = newIvrCall(config);
  }
  send(event: IvrEvent): IvrAction[] {
    const next = advanceIvr(this.state, event);
    this.state = next.state;
    this.actions = next.actions;
    return next.actions;
  }
  keys(digits: string): IvrAction[] {
    return this.send({ type: "digits", digits, terminatedBy: "#" });
  }
  loggedIn(): this {
    this.send({ type: "call-started", callerId: "+15551230000" });
    this.keys("4711");
    this.keys("135790");
    this.send({ type: "verification-result", result: { ok: true, travelerId: "t-1" } });
    return this;
  }
  atConfirmation(keys = "12*34*56*78"): this {
    this.loggedIn().keys(keys);
    return this;
  }
}

const ask = (prompt: string, maxDigits: number, timeoutMs: number): IvrAction => ({
  type: "get-data",
  prompt: prompt as never,
  maxDigits,
  timeoutMs,
});
const play = (...prompts: string[]): IvrAction => ({ type: "play", prompts: prompts as never });
/** A prompt leading to an entry: the caller may type through it. */
const lead = (...prompts: string[]): IvrAction => ({ type: "play", prompts: prompts as never, typeAhead: true });
const say = (digits: string): IvrAction => ({ type: "say-digits", digits, typeAhead: true });
// Entries read one key more than their limit (16, 16, 15), so a longer one is seen, not cut.
const ACCOUNT = ask("enter-account", 17, 10_000);
const PIN = ask("enter-pin", 17, 10_000);
const ADDRESS = ask("enter-address", 16, 10_000);
const CONFIRM = ask("confirm-or-reenter", 1, 6_000);
const readBack12345678: IvrAction[] = [
  lead("you-entered"),
  say("12"),
  lead("dot"),
  say("34"),
  lead("dot"),
  say("56"),
  lead("dot"),
  say("78"),
];

describe("a traveler allowing their address by phone", () => {
  it("is greeted, logs in, enters the address, hears it back, confirms and hears the expiry", () => {
    const call = new Call();
    expect(call.send({ type: "call-started", callerId: "+15551230000" })).toEqual([lead("welcome"), ACCOUNT]);
    expect(call.keys("4711")).toEqual([PIN]);
    expect(call.keys("135790")).toEqual([
      { type: "verify", accountNumber: "4711", pin: "135790", callerId: "+15551230000" },
    ]);
    expect(call.send({ type: "verification-result", result: { ok: true, travelerId: "t-1" } })).toEqual([ADDRESS]);
    expect(call.keys("12*34*56*78")).toEqual([...readBack12345678, CONFIRM]);
    expect(call.keys("1")).toEqual([{ type: "create-grant", travelerId: "t-1", address: "12.34.56.78" }]);
    const expiresAt = new Date("2025-03-14T16:05:00Z");
    expect(call.send({ type: "grant-result", result: { ok: true, expiresAt } })).toEqual([
      play("granted-until", "month-03"),
      { type: "say-number", number: 14 },
      play("at"),
      { type: "say-digits", digits: "1605" },
      play("utc", "mail-follows", "goodbye"),
      { type: "hang-up" },
    ]);
    expect(call.state).toMatchObject({ step: "ended", outcome: "granted", address: "12.34.56.78" });
  });

  it("accepts an entry that ended on the timeout instead of #", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "" });
    expect(call.send({ type: "digits", digits: "4711", terminatedBy: "timeout" })).toEqual([PIN]);
  });

  it("does not keep the PIN once it has been handed over for verification", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    call.keys("4711");
    call.keys("86420975");
    expect(JSON.stringify(call.state)).not.toContain("86420975");
  });
});

describe("entries at and over their limit", () => {
  it("an account and a PIN of 16 keys, the most allowed, are taken whole", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    expect(call.keys("1234567890123456")).toEqual([PIN]);
    expect(call.keys("6543210987654321")).toEqual([
      { type: "verify", accountNumber: "1234567890123456", pin: "6543210987654321", callerId: "100" },
    ]);
  });

  it("a 17-key account is refused as too long, costs no login, and what follows it is not typed ahead", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    expect(call.keys("12345678901234567")).toEqual([play("entry-too-long"), ACCOUNT]);
    expect(call.state).toMatchObject({ step: "account", tries: 2, loginAttempts: 0, accountNumber: null });
  });

  it("a 17-key PIN is refused as too long and never verified", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    call.keys("4711");
    expect(call.keys("11111111111111111")).toEqual([play("entry-too-long"), PIN]);
  });

  it("123*123*123*1234 (16 keys) is refused as too long, never cut to the valid 123.123.123.123", () => {
    const call = new Call().loggedIn();
    expect(call.keys("123*123*123*1234")).toEqual([play("entry-too-long"), ADDRESS]);
    expect(call.state).toMatchObject({ step: "address", address: null, refusals: ["too-long"] });
  });

  it("a 15-key address, the longest there is, is read back", () => {
    const call = new Call({ allowDocumentationAddresses: true }).loggedIn();
    expect(call.keys("203*255*113*255").at(-1)).toEqual(CONFIRM);
  });
});

describe("typing ahead", () => {
  it("the greeting, explanations and read-back lead to an entry and may be typed through; the expiry and goodbye may not", () => {
    const call = new Call().atConfirmation();
    expect(call.actions.slice(0, -1).every((action) => "typeAhead" in action && action.typeAhead === true)).toBe(true);
    call.keys("1");
    const expiry = call.send({ type: "grant-result", result: { ok: true, expiresAt: new Date("2030-01-01T00:00:00Z") } });
    expect(expiry.some((action) => "typeAhead" in action)).toBe(false);
  });
});

describe("logging in", () => {
  it("gives one answer for an unknown account and a wrong PIN, then asks for the account again", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    call.keys("999");
    call.keys("000000");
    expect(call.send({ type: "verification-result", result: { ok: false, reason: "invalid" } })).toEqual([
      lead("login-incorrect"),
      ACCOUNT,
    ]);
    expect(call.state.accountNumber).toBeNull();
  });

  it("says goodbye after three failed logins in one call", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      call.keys("4711");
      call.keys("111111");
      call.send({ type: "verification-result", result: { ok: false, reason: "invalid" } });
    }
    expect(call.actions).toEqual([play("login-incorrect", "goodbye"), { type: "hang-up" }]);
    expect(call.state.outcome).toBe("login-failed");
  });

  it("a withheld caller gets one account + PIN round per call: each guess costs a call", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: WITHHELD_CALLER_ID });
    call.keys("4711");
    call.keys("111111");
    call.send({ type: "verification-result", result: { ok: false, reason: "invalid" } });
    expect(call.actions).toEqual([play("login-incorrect", "goodbye"), { type: "hang-up" }]);
    expect(call.state.outcome).toBe("login-failed");
  });

  it("refuses a caller ID with too many failures", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    call.keys("4711");
    call.keys("111111");
    expect(call.send({ type: "verification-result", result: { ok: false, reason: "caller-blocked" } })).toEqual([
      play("caller-blocked", "goodbye"),
      { type: "hang-up" },
    ]);
    expect(call.state.outcome).toBe("caller-blocked");
  });

  it("ends politely when verification itself fails", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    call.keys("4711");
    call.keys("111111");
    call.send({ type: "verification-result", result: { ok: false, reason: "error" } });
    expect(call.actions).toEqual([play("technical-problem", "goodbye"), { type: "hang-up" }]);
  });

  it("refuses an account or PIN typed with a star, counting it as a try", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    expect(call.keys("47*11")).toEqual([lead("invalid-entry"), ACCOUNT]);
    expect(call.keys("4711")).toEqual([PIN]);
    expect(call.keys("1*1")).toEqual([lead("invalid-entry"), PIN]);
    expect(call.state.tries).toBe(2);
  });
});

describe("timeouts and retries", () => {
  it.each([
    ["account", (call: Call) => call.send({ type: "call-started", callerId: "1" }), ACCOUNT],
    ["PIN", (call: Call) => (call.send({ type: "call-started", callerId: "1" }), call.keys("4711")), PIN],
    ["address", (call: Call) => call.loggedIn(), ADDRESS],
  ])("the %s prompt is asked three times, then goodbye", (_name, reach, prompt) => {
    const call = new Call();
    reach(call);
    expect(call.send({ type: "timeout" })).toEqual([lead("no-input"), prompt]);
    expect(call.keys("")).toEqual([lead("no-input"), prompt]);
    expect(call.send({ type: "timeout" })).toEqual([play("no-input", "too-many-tries", "goodbye"), { type: "hang-up" }]);
    expect(call.state.outcome).toBe("no-input");
  });

  it("the confirmation is asked three times with the address read back each time", () => {
    const call = new Call().atConfirmation();
    expect(call.send({ type: "timeout" })).toEqual([lead("no-input"), ...readBack12345678, CONFIRM]);
    expect(call.keys("7")).toEqual([lead("invalid-entry"), ...readBack12345678, CONFIRM]);
    expect(call.send({ type: "timeout" })).toEqual([play("no-input", "too-many-tries", "goodbye"), { type: "hang-up" }]);
  });

  it("each prompt has its own count of tries", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "1" });
    call.send({ type: "timeout" });
    call.send({ type: "timeout" });
    expect(call.keys("4711")).toEqual([PIN]);
    expect(call.send({ type: "timeout" })).toEqual([lead("no-input"), PIN]);
  });
});

describe("the address", () => {
  it.each([
    ["12**34*5", "address-empty-part", "empty-part"],
    ["999*1*1*1", "address-part-range", "part-range"],
    ["1*2*3", "address-part-count", "part-count"],
    ["01*2*3*4", "address-leading-zero", "leading-zero"],
    ["10*0*0*1", "refused-private", "private"],
    ["127*0*0*1", "refused-loopback", "loopback"],
    ["169*254*1*1", "refused-link-local", "link-local"],
    ["224*0*0*1", "refused-multicast", "multicast"],
    ["100*64*0*1", "refused-shared", "shared"],
    ["203*0*113*5", "refused-documentation", "documentation"],
    ["240*0*0*1", "refused-reserved", "reserved"],
  ])("%s is refused with the reason spoken (%s)", (keys, prompt, why) => {
    const call = new Call().loggedIn();
    expect(call.keys(keys)).toEqual([lead(prompt), ADDRESS]);
    expect(call.state.refusals).toEqual([why]);
  });

  it("three refused addresses end the call", () => {
    const call = new Call().loggedIn();
    call.keys("12**34*5");
    call.keys("999*1*1*1");
    expect(call.keys("1*2*3")).toEqual([play("address-part-count", "too-many-tries", "goodbye"), { type: "hang-up" }]);
    expect(call.state).toMatchObject({ outcome: "address-refused", refusals: ["empty-part", "part-range", "part-count"] });
  });

  it("documentation addresses pass with the test setting", () => {
    const call = new Call({ allowDocumentationAddresses: true }).loggedIn();
    expect(call.keys("203*0*113*5").at(-1)).toEqual(CONFIRM);
    expect(call.keys("1")).toEqual([{ type: "create-grant", travelerId: "t-1", address: "203.0.113.5" }]);
  });

  it("pressing 2 asks for the address again and the second one is granted", () => {
    const call = new Call().atConfirmation("12*34*56*78");
    expect(call.keys("2")).toEqual([ADDRESS]);
    expect(call.state.address).toBeNull();
    call.keys("81*2*69*160");
    expect(call.keys("1")).toEqual([{ type: "create-grant", travelerId: "t-1", address: "81.2.69.160" }]);
  });

  it("re-entering more than twice ends the call", () => {
    const call = new Call().atConfirmation();
    call.keys("2");
    call.keys("12*34*56*78");
    call.keys("2");
    call.keys("12*34*56*78");
    expect(call.keys("2")).toEqual([play("too-many-tries", "goodbye"), { type: "hang-up" }]);
  });

  it("a failed grant is said and the call ends", () => {
    const call = new Call().atConfirmation();
    call.keys("1");
    expect(call.send({ type: "grant-result", result: { ok: false } })).toEqual([
      play("grant-failed", "goodbye"),
      { type: "hang-up" },
    ]);
    expect(call.state.outcome).toBe("grant-failed");
  });
});

describe("a link by email instead of an address", () => {
  it("0 asks for the link and the caller is told to check their mail", () => {
    const call = new Call().loggedIn();
    expect(call.keys("0")).toEqual([{ type: "request-link", travelerId: "t-1" }]);
    expect(call.send({ type: "link-result", result: { ok: true } })).toEqual([
      play("link-sent", "goodbye"),
      { type: "hang-up" },
    ]);
    expect(call.state.outcome).toBe("link-sent");
  });

  it("a link that could not be sent is said", () => {
    const call = new Call().loggedIn();
    call.keys("0");
    call.send({ type: "link-result", result: { ok: false } });
    expect(call.actions[0]).toEqual(play("link-failed", "goodbye"));
  });

  it("without the link option, 0 is just a malformed address and the prompt does not offer it", () => {
    const call = new Call({ linkByEmail: false }).loggedIn();
    expect(call.actions).toEqual([ask("enter-address-only", 16, 10_000)]);
    expect(call.keys("0")).toEqual([lead("address-part-count"), ask("enter-address-only", 16, 10_000)]);
  });
});

describe("hanging up", () => {
  const reachers: Array<[string, (call: Call) => unknown]> = [
    ["not-started", () => undefined],
    ["account", (call) => call.send({ type: "call-started", callerId: "1" })],
    ["pin", (call) => (call.send({ type: "call-started", callerId: "1" }), call.keys("4711"))],
    ["verifying", (call) => (call.send({ type: "call-started", callerId: "1" }), call.keys("4711"), call.keys("123456"))],
    ["address", (call) => call.loggedIn()],
    ["confirm", (call) => call.atConfirmation()],
    ["requesting-link", (call) => call.loggedIn().keys("0")],
    ["granting", (call) => call.atConfirmation().keys("1")],
  ];

  it.each(reachers)("at %s ends the call with nothing more to do", (step, reach) => {
    const call = new Call();
    reach(call);
    expect(call.state.step).toBe(step);
    expect(call.send({ type: "hang-up" })).toEqual([]);
    expect(call.state).toMatchObject({ step: "ended", outcome: "caller-hung-up", hungUpAt: step });
    expect(call.send({ type: "hang-up" })).toEqual([]);
  });
});

describe("the machine's contract with its transport", () => {
  it("refuses an event the step cannot receive", () => {
    const call = new Call();
    expect(() => call.keys("1")).toThrow(IvrEventError);
    call.send({ type: "call-started", callerId: "1" });
    expect(() => call.send({ type: "grant-result", result: { ok: false } })).toThrow(IvrEventError);
  });

  it("only ever asks for prompts that exist", () => {
    const call = new Call().atConfirmation();
    call.keys("1");
    call.send({ type: "grant-result", result: { ok: true, expiresAt: new Date() } });
    for (const action of call.actions) {
      if (action.type === "play") for (const prompt of action.prompts) expect(IVR_PROMPT_IDS).toContain(prompt);
    }
  });

  it("whatever the caller does, every transition ends awaiting one result or hanging up, calls end, and grants need a login and a 1", () => {
    const keyPresses = fc.oneof(
      fc.constantFrom("", "0", "1", "2", "4711", "135790", "12*34*56*78", "10*0*0*1", "1*2*3", "12**34*5"),
      fc.stringMatching(/^[0-9*]{0,17}$/),
    );
    const callerMove = fc.oneof(
      { weight: 8, arbitrary: keyPresses.map((digits): IvrEvent => ({ type: "digits", digits, terminatedBy: "#" })) },
      { weight: 2, arbitrary: fc.constant<IvrEvent>({ type: "timeout" }) },
      { weight: 1, arbitrary: fc.constant<IvrEvent>({ type: "hang-up" }) },
    );
    const serviceAnswer = fc.record({ ok: fc.boolean(), blocked: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.tuple(callerMove, serviceAnswer), { maxLength: 200 }), (moves) => {
        let state = newIvrCall();
        let last = advanceIvr(state, { type: "call-started", callerId: "1" });
        let verified = false;
        let transitions = 1;
        for (const [move, answer] of moves) {
          state = last.state;
          if (state.step === "ended") break;
          const awaited = last.actions.at(-1);
          expect(awaited && ["get-data", "verify", "create-grant", "request-link"]).toContain(awaited?.type);
          if (awaited?.type === "create-grant") {
            expect(verified).toBe(true);
            expect(state.address).toBe(awaited.address);
          }
          let event: IvrEvent = move;
          if (move.type !== "hang-up" && awaited?.type === "verify") {
            verified = answer.ok;
            event = {
              type: "verification-result",
              result: answer.ok ? { ok: true, travelerId: "t" } : { ok: false, reason: answer.blocked ? "caller-blocked" : "invalid" },
            };
          } else if (move.type !== "hang-up" && awaited?.type === "create-grant") {
            event = { type: "grant-result", result: answer.ok ? { ok: true, expiresAt: new Date(0) } : { ok: false } };
          } else if (move.type !== "hang-up" && awaited?.type === "request-link") {
            event = { type: "link-result", result: { ok: answer.ok } };
          }
          last = advanceIvr(state, event);
          transitions += 1;
        }
        const final = last.state;
        if (final.step === "ended") {
          expect(final.outcome).not.toBeNull();
          if (final.outcome !== "caller-hung-up") expect(last.actions.at(-1)).toEqual({ type: "hang-up" });
        }
        // 3 logins x (3 account + 3 PIN tries) + 3 addresses x (3 address + 3 confirm tries) + a few: bounded.
        expect(transitions).toBeLessThan(60);
      }),
      { numRuns: 500 },
    );
  });
});

describe("keys typed while the PIN is checked", () => {
  it("begin the address after a successful login", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    call.keys("4711");
    call.keys("135790");
    expect(call.send({ type: "verification-result", result: { ok: true, travelerId: "t-1" }, typedAhead: "12*3" })).toEqual([
      { ...ADDRESS, typedAhead: "12*3" },
    ]);
  });

  it("are dropped after a failed one: they were never meant for the account", () => {
    const call = new Call();
    call.send({ type: "call-started", callerId: "100" });
    call.keys("4711");
    call.keys("000000");
    expect(call.send({ type: "verification-result", result: { ok: false, reason: "invalid" }, typedAhead: "12*3" })).toEqual([
      lead("login-incorrect"),
      ACCOUNT,
    ]);
  });
});
