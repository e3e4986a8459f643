// Agent credentials and enrollment tokens are 256 random bits, so a plain SHA-256 is a safe
// stored form (no slow hash needed) and lets the hub find a server by it with one index lookup.
import { createHash, randomBytes } from "node:crypto";

export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function newAgentCredential(): string {
  return randomBytes(32).toString("base64url");
}

/** The secret of an `Authorization: Bearer <secret>` header, or null. */
export function bearerSecret(header: string | undefined): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header ?? "");
  return match?.[1] ?? null;
}
