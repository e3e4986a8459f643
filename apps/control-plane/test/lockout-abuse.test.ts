// Lockouts as a denial of service. A stranger guesses passwords and PINs
// against the real control plane (HTTP through a trusted proxy, so each guess can come from
// another address; the traveler page; FastAGI calls as Asterisk makes them) and must neither
// keep the rightful owner out where they signed in before nor guess more than 20 times an hour.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { travelersExtension } from "../src/travelers/extension.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startUnderTest, type PlaneUnderTest } from "./kit/index.ts";
import { HANG_UP, placeAsteriskCall, type KeypadEntry } from "./ivr-asterisk.ts";

const SECRET = "a-long-shared-agi-secret-for-lockout-tests";
const PIN = "135790";
const HOUR = 3_600_000;

let test: PlaneUnderTest;
let tenantId: string;

beforeAll(async () => {
  test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
    env: { TRUSTED_PROXIES: "127.0.0.1", AGI_SECRET: SECRET, AGI_ALLOWED_ADDRESSES: "127.0.0.1", AGI_HOST: "127.0.0.1", AGI_PORT: "0", ALLOW_DOCUMENTATION_ADDRESSES: "true" },
    extensions: [travelersExtension({ agiEnvironmentTimeoutMs: 500, agiRefusalAuditWindowMs: 0 })],
  });
  tenantId = (await test.admin.tenants.create.mutate({ name: "Acme" })).id;
});
afterAll(async () => {
  await test?.stop();
});

interface SignInAnswer {
  code: string;
  message: string;
  /** The known-device cookie the answer set ("name=value"), if any. */
  deviceCookie: string | null;
}

/** POST /trpc/auth.login as a browser behind the trusted proxy, coming from `from`. */
async function signIn(email: string, password: string, from: string, cookie?: string): Promise<SignInAnswer> {
  const response = await fetch(`${test.plane.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": from, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { error?: { message: string; data: { code: string } } };
  const device = response.headers.getSetCookie().find((value) => value.startsWith("gatehouse_device="));
  return { code: body.error?.data.code ?? "OK", message: body.error?.message ?? "", deviceCookie: device?.split(";")[0] ?? null };
}

/** A stranger's wrong passwords, four from each address (under the per-address limit of five). */
async function strangerGuesses(email: string, count: number, network: string): Promise<string[]> {
  const codes: string[] = [];
  for (let guess = 0; guess < count; guess += 1) {
    codes.push((await signIn(email, `wrong guess ${guess}`, `${network}.${Math.floor(guess / 4) + 1}`)).code);
  }
  return codes;
}

async function newOperator(email: string): Promise<void> {
  await test.admin.operators.create.mutate({ email, name: email, password: ADMIN_PASSWORD, role: "TENANT_ADMIN", tenantId });
}

describe("a stranger guessing an operator's password", () => {
  it("five wrong passwords from one address do not keep the MSP admin out of the address and browser they signed in from", async () => {
    const office = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD, "203.0.113.10");
    expect(office.code).toBe("OK");
    for (let guess = 0; guess < 5; guess += 1) expect((await signIn(ADMIN_EMAIL, `guess ${guess}`, "198.51.100.66")).code).toBe("UNAUTHORIZED");
    expect((await signIn(ADMIN_EMAIL, ADMIN_PASSWORD, "198.51.100.66")).code).toBe("TOO_MANY_REQUESTS");
    expect((await signIn(ADMIN_EMAIL, ADMIN_PASSWORD, "203.0.113.10")).code).toBe("OK");
    expect((await signIn(ADMIN_EMAIL, ADMIN_PASSWORD, "192.0.2.44", office.deviceCookie ?? "")).code).toBe("OK");
  });

  it("fifty wrong passwords from many addresses do not keep the MSP admin out on a known browser, even from a new address, nor on a known address", async () => {
    test.clock.advance(2 * HOUR);
    const laptop = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD, "203.0.113.20");
    const codes = await strangerGuesses(ADMIN_EMAIL, 50, "198.51.100");
    expect(codes.slice(0, 20).every((code) => code === "UNAUTHORIZED")).toBe(true);
    expect(codes.slice(20).every((code) => code === "TOO_MANY_REQUESTS")).toBe(true);
    expect((await signIn(ADMIN_EMAIL, ADMIN_PASSWORD, "192.0.2.99", laptop.deviceCookie ?? "")).code).toBe("OK");
    expect((await signIn(ADMIN_EMAIL, ADMIN_PASSWORD, "203.0.113.20")).code).toBe("OK");
  });

  it("is bounded at 20 guesses an hour on an account: then even the right password from a new address, or with a made-up device cookie, is refused", async () => {
    const email = "bounded@example.net";
    await newOperator(email);
    const codes = await strangerGuesses(email, 30, "198.51.100");
    expect(codes.filter((code) => code === "UNAUTHORIZED")).toHaveLength(20);
    expect((await signIn(email, ADMIN_PASSWORD, "192.0.2.50")).code).toBe("TOO_MANY_REQUESTS");
    expect((await signIn(email, ADMIN_PASSWORD, "192.0.2.51", `gatehouse_device=${"A".repeat(43)}`)).code).toBe("TOO_MANY_REQUESTS");
    const checked = await test.db.prisma.auditEvent.count({ where: { action: "auth.login_failed", targetId: email } });
    expect(checked).toBe(20);
    test.clock.advance(HOUR + 1);
    expect((await signIn(email, ADMIN_PASSWORD, "192.0.2.50")).code).toBe("OK");
  });

  it("answers the same for an e-mail nobody has, so the lockout tells nothing about who exists", async () => {
    const real = "real@example.net";
    await newOperator(real);
    await strangerGuesses(real, 20, "198.51.100");
    await strangerGuesses("nobody-here@example.net", 20, "198.51.100");
    const forReal = await signIn(real, "one more", "192.0.2.60");
    const forNobody = await signIn("nobody-here@example.net", "one more", "192.0.2.60");
    expect(forReal).toEqual(forNobody);
    expect(forReal.code).toBe("TOO_MANY_REQUESTS");
  });
});

async function newTraveler(): Promise<string> {
  const { traveler } = await test.admin.travelers.create.mutate({ tenantId, pin: PIN, name: "Road Warrior", email: "road@example.net" });
  return traveler.accountNumber;
}

describe("a stranger guessing a traveler's PIN on the traveler page", () => {
  const pageSignIn = async (account: string, pin: string, from: string) =>
    (await fetch(`${test.plane.url}/traveler`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": from },
      body: new URLSearchParams({ account, pin }).toString(),
    })).status;

  it("does not keep the traveler out of the address they used before, and after 20 guesses refuses even the right PIN from a new address", async () => {
    const account = await newTraveler();
    expect(await pageSignIn(account, PIN, "203.0.113.30")).toBe(200);
    const statuses: number[] = [];
    for (let guess = 0; guess < 30; guess += 1) statuses.push(await pageSignIn(account, String(100000 + guess), `198.51.100.${Math.floor(guess / 4) + 1}`));
    expect(statuses.every((status) => status === 401)).toBe(true);
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.login.failed", after: { path: ["why"], equals: "wrong-pin" } } })).toBe(20);
    expect(await pageSignIn(account, PIN, "192.0.2.70")).toBe(401);
    expect(await pageSignIn(account, PIN, "203.0.113.30")).toBe(200);
  });
});

describe("a stranger calling the IVR", () => {
  const dial = (callerId: string, keypad: KeypadEntry[]) => placeAsteriskCall({ port: test.plane.app.fastAgiPort ?? 0, secret: SECRET, keypad, callerId });
  const signedIn = (prompts: string[]) => prompts.at(-1) === "enter-address";
  const wrong = (account: string, pin: string): KeypadEntry[] => [`${account}#`, `${pin}#`];

  it("does not keep the traveler out on the phone they called from before, and after 20 guesses refuses even the right PIN from a new phone", async () => {
    const account = await newTraveler();
    expect(signedIn((await dial("+1 (555) 010-0001", [...wrong(account, PIN), HANG_UP])).prompts)).toBe(true);
    for (let call = 0; call < 10; call += 1) {
      await dial(`+1555020${String(call).padStart(4, "0")}`, [...wrong(account, "111111"), ...wrong(account, "222222"), ...wrong(account, "333333")]);
    }
    expect(await test.db.prisma.auditEvent.count({ where: { action: "traveler.login.failed", targetId: { not: null }, after: { path: ["subject"], string_starts_with: "caller:1555020" } } })).toBe(20);
    expect(signedIn((await dial("+15550309999", [...wrong(account, PIN), HANG_UP])).prompts)).toBe(false);
    expect(signedIn((await dial("15550100001", [...wrong(account, PIN), HANG_UP])).prompts)).toBe(true);
  });

  it("withheld callers: 10 failures from anonymous callers do not lock out another anonymous caller's right account and PIN", async () => {
    const account = await newTraveler();
    const other = await newTraveler();
    const withheld = ["anonymous", "", "Restricted", "unknown", "Anonymous"];
    for (let call = 0; call < 10; call += 1) {
      const target = call % 2 === 0 ? account : other;
      const record = await dial(withheld[call % withheld.length] ?? "", [...wrong(target, "000000"), ...wrong(target, "000001")]);
      // One account + PIN round per withheld call: the second guess is never asked for.
      expect(record.prompts.slice(-2)).toEqual(["login-incorrect", "goodbye"]);
    }
    expect(signedIn((await dial("anonymous", [...wrong(account, PIN), HANG_UP])).prompts)).toBe(true);
    expect(signedIn((await dial("", [...wrong(other, PIN), HANG_UP])).prompts)).toBe(true);
  });

  it("a flood of withheld callers' failures (30 in a minute) slows every withheld caller for that minute only", async () => {
    const account = await newTraveler();
    for (let call = 0; call < 30; call += 1) await dial("anonymous", wrong(`77${call}`, "000000"));
    const slowed = await dial("anonymous", [...wrong(account, PIN), HANG_UP]);
    expect(slowed.prompts.slice(-2)).toEqual(["caller-blocked", "goodbye"]);
    expect(signedIn((await dial("+15550500000", [...wrong(account, PIN), HANG_UP])).prompts)).toBe(true);
    test.clock.advance(61_000);
    expect(signedIn((await dial("anonymous", [...wrong(account, PIN), HANG_UP])).prompts)).toBe(true);
  });

  it("reformatting the caller ID does not reset the caller's limit of 10 failures an hour", async () => {
    const account = await newTraveler();
    const formats = ["+1 (555) 040-0000", "15550400000", "1-555-040-0000", "001 555 040 0000"];
    for (const [call, format] of formats.entries()) {
      // Three failures in each of the first three calls, one in the fourth: ten in all.
      const guesses: KeypadEntry[] = call < 3 ? [...wrong(`9${call}1`, "000000"), ...wrong(`9${call}2`, "000000"), ...wrong(`9${call}3`, "000000")] : [...wrong("941", "000000"), HANG_UP];
      await dial(format, guesses);
    }
    for (const format of formats) {
      const refused = await dial(format, [...wrong(account, PIN), HANG_UP]);
      expect(refused.prompts.slice(-2)).toEqual(["caller-blocked", "goodbye"]);
    }
    expect(signedIn((await dial("+15550400001", [...wrong(account, PIN), HANG_UP])).prompts)).toBe(true);
  });
});
