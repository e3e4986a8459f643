// Bearer secrets (sessions, API tokens, enrollment tokens): 256 random bits, so a plain SHA-256
// is a safe stored form (nobody can brute-force 2^256) and a login lookup is one index probe.
// Passwords are different: people choose them, so they get argon2id (passwords.ts).
import { createHash, randomBytes } from "node:crypto";

export const API_TOKEN_PREFIX = "gh_";

export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${newSecret()}`;
}

/** What lists show so an operator can tell tokens apart: "gh_" and 6 characters. */
export function apiTokenDisplayPrefix(token: string): string {
  return token.slice(0, API_TOKEN_PREFIX.length + 6);
}
