// Operator passwords: argon2id (OWASP's first choice) through @node-rs/argon2, which ships
// prebuilt binaries. Verifying an unknown e-mail hashes against a dummy so that "no such
// operator" and "wrong password" take the same time.
import { hash, verify } from "@node-rs/argon2";

/** @node-rs/argon2's defaults are argon2id, 19 MiB, 2 passes, 1 lane: OWASP's recommendation. */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** True only if `storedHash` is a hash of `password`; null = unknown operator (same cost). */
export async function passwordMatches(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hashPassword("gatehouse-dummy-password-for-unknown-operators");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** A one-time password for the first msp-admin: 20 characters from 57 unambiguous ones, ~116 bits. */
export function generatePassword(length = 20): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const bytes = new Uint32Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (n) => alphabet[n % alphabet.length]).join("");
}
