// Bearer secrets (sessions, API tokens, enrollment tokens, agent credentials): 256 random bits,
// so a plain SHA-256 (sha256Hex from @gatehouse/core) is a safe stored form (nobody can
// brute-force 2^256) and a lookup is one index probe. Passwords are different: people choose
// them, so they get argon2id (passwords.ts).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const API_TOKEN_PREFIX = "gh_";

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

/** The secret of an `Authorization: Bearer <secret>` header, or null. */
export function bearerSecret(header: string | undefined): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header ?? "");
  return match?.[1] ?? null;
}

/** Constant-time comparison of two secrets, through their digests so lengths never differ (nor leak). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
