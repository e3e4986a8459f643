// Where a browser's or script's secret comes from: `Authorization: Bearer <secret>` (CLI, API
// tokens, the console's stored session) or the HttpOnly session cookie (the console).
import type { IncomingHttpHeaders } from "node:http";

const SESSION_COOKIE = "gatehouse_session";
/** Marks a browser an operator signed in from before (auth/login.ts); never an authenticator. */
const KNOWN_DEVICE_COOKIE = "gatehouse_device";

export interface PresentedSecret {
  secret: string;
  from: "authorization" | "cookie";
}

export function presentedSecret(headers: IncomingHttpHeaders): PresentedSecret | null {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{16,512})\s*$/i.exec(headers.authorization ?? "");
  if (match?.[1]) return { secret: match[1], from: "authorization" };
  const cookie = cookieValue(headers.cookie, SESSION_COOKIE);
  return cookie === null ? null : { secret: cookie, from: "cookie" };
}

/**
 * Cross-site request forgery, second lock (SameSite=Strict is the first): a cookie counts for a
 * POST only when it carries `content-type: application/json`, which a page on another site
 * cannot send without a CORS preflight this server never grants. tRPC clients always send it.
 */
export function cookieAcceptable(method: string | undefined, headers: IncomingHttpHeaders): boolean {
  if (method === "GET" || method === "HEAD") return true;
  return /^application\/json\b/i.test(headers["content-type"] ?? "");
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) {
      const value = rest.join("=");
      return /^[A-Za-z0-9_-]{16,512}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** HttpOnly + SameSite=Strict: scripts cannot read it and other sites cannot send it. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Strict", `Max-Age=${maxAgeSeconds}`, ...(secure ? ["Secure"] : [])].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", 0, secure);
}

/** The known-device secret the browser sent, or null. */
export function knownDeviceSecret(headers: IncomingHttpHeaders): string | null {
  return cookieValue(headers.cookie, KNOWN_DEVICE_COOKIE);
}

/** Long-lived, HttpOnly, SameSite=Strict, sent only to the API (where sign-in happens). */
export function knownDeviceCookie(secret: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${KNOWN_DEVICE_COOKIE}=${secret}`, "Path=/trpc", "HttpOnly", "SameSite=Strict", `Max-Age=${maxAgeSeconds}`, ...(secure ? ["Secure"] : [])].join("; ");
}
