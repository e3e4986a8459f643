// Traveler PINs: 6 to 16 digits (what a keypad prompt takes), stored only as argon2id hashes.
// Checking an unknown account costs the same as a known one: it is checked against a dummy
// hash, so the time to answer never tells a caller whether an account exists.
import { randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { GatehouseError } from "@gatehouse/core";

export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 16;

function assertValidPin(pin: string): void {
  if (!/^[0-9]+$/.test(pin)) throw new GatehouseError("BAD_INPUT", "a PIN is digits only");
  if (pin.length < PIN_MIN_DIGITS || pin.length > PIN_MAX_DIGITS) {
    throw new GatehouseError("BAD_INPUT", `a PIN has ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits`);
  }
}

/** argon2id (the library's default algorithm) with its default cost: 19 MiB, 2 passes. */
export async function hashPin(pin: string): Promise<string> {
  assertValidPin(pin);
  return hash(pin);
}

let dummyHash: Promise<string> | undefined;

/** Whether `pin` matches `pinHash`; with no hash (unknown account), spends the same time and says no. */
export async function pinMatches(pinHash: string | null, pin: string): Promise<boolean> {
  dummyHash ??= hash(String(randomInt(10 ** 9)).padStart(PIN_MIN_DIGITS, "0"));
  const against = pinHash ?? (await dummyHash);
  const matches = await verify(against, pin).catch(() => false);
  return pinHash !== null && matches;
}

/** A random PIN of `digits` digits, for an operator's reset. */
export function generatePin(digits = 8): string {
  let pin = "";
  for (let index = 0; index < digits; index += 1) pin += String(randomInt(10));
  return pin;
}
