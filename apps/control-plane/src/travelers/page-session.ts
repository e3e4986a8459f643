// After account + PIN on the traveler page, the traveler gets a few minutes to renew or end
// their grants without typing the PIN again. The session is a signed token carried in each
// form's POST body (never a cookie, so no other site can make the browser use it), signed with
// a key that lives only in this process: a restart simply asks for the PIN again.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface PageSessions {
  issue(travelerId: string, now: Date): string;
  /** The traveler id, or null for a forged, altered or expired token. */
  read(token: string, now: Date): string | null;
}

export const PAGE_SESSION_TTL_MS = 10 * 60_000;

export function pageSessions(key: Buffer = randomBytes(32), ttlMs = PAGE_SESSION_TTL_MS): PageSessions {
  const sign = (payload: string) => createHmac("sha256", key).update(payload).digest();
  return {
    issue(travelerId, now) {
      const payload = Buffer.from(JSON.stringify({ t: travelerId, e: now.getTime() + ttlMs })).toString("base64url");
      return `${payload}.${sign(payload).toString("base64url")}`;
    },
    read(token, now) {
      const [payload, signature, extra] = token.split(".");
      if (!payload || !signature || extra !== undefined) return null;
      const expected = sign(payload);
      const given = Buffer.from(signature, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const { t, e } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { t?: unknown; e?: unknown };
        return typeof t === "string" && typeof e === "number" && e > now.getTime() ? t : null;
      } catch {
        return null;
      }
    },
  };
}
