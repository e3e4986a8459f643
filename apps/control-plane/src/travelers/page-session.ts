// After account + PIN on the traveler page, the traveler gets a few minutes to renew or end
// their grants without typing the PIN again. The session is a signed token carried in each
// form's POST body (never a cookie, so no other site can make the browser use it), signed with
// a key every replica shares (cluster/shared-secrets.ts): a page opened through one replica is
// renewed through another. The token
// names the traveler's credential version; a PIN reset or disabling moves that on (see
// access-end.ts), so `openPageSession` refuses every session issued before it at once.
import { createHmac } from "node:crypto";
import { sameSecret } from "../auth/secrets.ts";
import type { TravelersContext } from "./context.ts";

export interface SessionTraveler {
  id: string;
  credentialVersion: number;
}

export interface PageSessions {
  issue(traveler: SessionTraveler, now: Date): string;
  /** What the token claims, or null for a forged, altered or expired token. */
  read(token: string, now: Date): SessionTraveler | null;
}

const PAGE_SESSION_TTL_MS = 10 * 60_000;

export function pageSessions(key: Buffer, ttlMs = PAGE_SESSION_TTL_MS): PageSessions {
  const sign = (payload: string) => createHmac("sha256", key).update(payload).digest("base64url");
  return {
    issue(traveler, now) {
      const claim = { t: traveler.id, v: traveler.credentialVersion, e: now.getTime() + ttlMs };
      const payload = Buffer.from(JSON.stringify(claim)).toString("base64url");
      return `${payload}.${sign(payload)}`;
    },
    read(token, now) {
      const [payload, signature, extra] = token.split(".");
      if (!payload || !signature || extra !== undefined) return null;
      if (!sameSecret(signature, sign(payload))) return null;
      try {
        const { t, v, e } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { t?: unknown; v?: unknown; e?: unknown };
        const valid = typeof t === "string" && Number.isInteger(v) && typeof e === "number" && e > now.getTime();
        return valid ? { id: t, credentialVersion: v as number } : null;
      } catch {
        return null;
      }
    },
  };
}

/** The session's traveler if the token is valid and still current: enabled, same credential version. */
export async function openPageSession(ctx: TravelersContext, sessions: PageSessions, token: string): Promise<SessionTraveler | null> {
  const claim = sessions.read(token, ctx.now());
  if (!claim) return null;
  const traveler = await ctx.prisma.traveler.findUnique({ where: { id: claim.id }, select: { enabled: true, credentialVersion: true } });
  return traveler?.enabled && traveler.credentialVersion === claim.credentialVersion ? claim : null;
}
