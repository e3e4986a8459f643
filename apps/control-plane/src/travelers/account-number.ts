// Account numbers are drawn by the control plane, never chosen by an operator: a chosen number
// that is refused as "taken" would tell a tenant admin that another tenant has it. Eight random
// digits (no leading zero, so nothing is lost when someone types it as a number) fit the IVR's
// 16-digit limit and leave a fleet of thousands of travelers with collisions far apart.
import { randomInt } from "node:crypto";

const ACCOUNT_NUMBER_DIGITS = 8;

/** A fresh random account number (collisions are retried by the caller). */
export function drawAccountNumber(): string {
  return String(randomInt(10 ** (ACCOUNT_NUMBER_DIGITS - 1), 10 ** ACCOUNT_NUMBER_DIGITS));
}
