// The traveler pages on the control plane (no PBX ever serves them):
//   GET  /traveler/link?token=…  shows the address the browser comes from and a button;
//   POST /traveler/link          grants it (the token travels in the POST body; single use).
//   GET  /traveler               account + PIN form; POST /traveler checks them (lockouts as the
//                                IVR, with the browser's address as source) and lists grants;
//   POST /traveler/grants        allow this address, renew or end a grant (signed page session).
// A GET never changes anything, so mail scanners that open links cannot use them up.
import type { IncomingMessage, ServerResponse } from "node:http";
import { grantAddressProblem, isGatehouseError } from "@gatehouse/core";
import type { TravelersContext } from "./context.ts";
import { createGrant, revokeGrant, SESSION_ENDED } from "./grants.ts";
import { inspectLink, LINK_PATH, redeemLink } from "./links.ts";
import { formatInstant } from "./mail-content.ts";
import { html, page, PAGE_HEADERS, type Html } from "./page-html.ts";
import { openPageSession, type PageSessions, type SessionTraveler } from "./page-session.ts";
import { verifyTraveler, webSource } from "./verification.ts";

const SELF_SERVICE_PATH = "/traveler";
const GRANT_ACTIONS_PATH = "/traveler/grants";
export const TRAVELER_PAGE_PATHS = [LINK_PATH, SELF_SERVICE_PATH, GRANT_ACTIONS_PATH] as const;

const MAX_FORM_BYTES = 8 * 1024;

export interface TravelerPagesOptions {
  /** The browser's address (X-Forwarded-For believed only from trusted proxies). */
  clientAddress: (req: IncomingMessage) => string;
  /** Signed with the key every replica shares. */
  sessions: PageSessions;
}

export type TravelerPageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface Reply {
  status: number;
  title: string;
  body: Html;
}

export function travelerPages(ctx: TravelersContext, options: TravelerPagesOptions): TravelerPageHandler {
  const { sessions } = options;
  const routes: Record<string, Partial<Record<string, (req: IncomingMessage, url: URL) => Promise<Reply>>>> = {
    [LINK_PATH]: {
      GET: async (req, url) => showLink(url.searchParams.get("token") ?? "", options.clientAddress(req)),
      POST: async (req) => useLink((await readForm(req)).get("token") ?? "", options.clientAddress(req)),
    },
    [SELF_SERVICE_PATH]: {
      GET: async (req) => loginForm(options.clientAddress(req), null),
      POST: async (req) => login(await readForm(req), options.clientAddress(req)),
    },
    [GRANT_ACTIONS_PATH]: {
      POST: async (req) => act(await readForm(req), options.clientAddress(req)),
    },
  };

  /** Why the browser's address cannot be granted, by the same rules as every grant; null if it can. */
  function refusalFor(address: string): string | null {
    return grantAddressProblem(address, ctx);
  }

  async function showLink(token: string, address: string): Promise<Reply> {
    const link = await inspectLink(ctx, token);
    if (!link.usable) return unusableLink(link.why);
    const refusal = refusalFor(address);
    const intro = html`<p>Hello ${link.travelerName}. Your device connects from</p><p class="address">${address}</p>`;
    if (refusal) {
      return { status: 200, title: "This address cannot be allowed", body: html`${intro}<p class="problem">${refusal}. Open the link on a device that reaches the Internet directly (mobile data, hotel Wi-Fi).</p>` };
    }
    return {
      status: 200,
      title: "Allow this device",
      body: html`${intro}<form method="post" action="${LINK_PATH}"><input type="hidden" name="token" value="${token}">
<button type="submit">Allow ${address}</button></form><p>The link works once, until ${formatInstant(link.expiresAt, ctx.timeZone)}.</p>`,
    };
  }

  async function useLink(token: string, address: string): Promise<Reply> {
    try {
      const { grant, servers } = await redeemLink(ctx, { token, address });
      return { status: 200, title: "Your address is allowed", body: grantedBody(grant.address, grant.expiresAt, servers) };
    } catch (error) {
      if (isGatehouseError(error, "CONFLICT")) return unusableLink("used-or-expired");
      if (isGatehouseError(error, "NOT_FOUND")) return unusableLink("unknown");
      if (isGatehouseError(error, "BAD_INPUT") || isGatehouseError(error, "FORBIDDEN")) return problem(400, "This address cannot be allowed", error.message);
      throw error;
    }
  }

  function loginForm(address: string, notice: string | null, status = 200): Reply {
    return {
      status,
      title: "Your Gatehouse access",
      body: html`${notice ? html`<p class="problem">${notice}</p>` : html``}<p>Your device connects from <span class="address">${address}</span></p>
<form method="post" action="${SELF_SERVICE_PATH}">
<p><label>Account number<br><input name="account" inputmode="numeric" autocomplete="username" required></label></p>
<p><label>PIN<br><input name="pin" type="password" inputmode="numeric" autocomplete="current-password" required></label></p>
<button type="submit">Show my access</button></form>`,
    };
  }

  async function login(form: URLSearchParams, address: string): Promise<Reply> {
    const result = await verifyTraveler(ctx, { accountNumber: form.get("account") ?? "", pin: form.get("pin") ?? "", source: webSource(address) });
    if (!result.ok) {
      return result.reason === "subject-blocked" ? blocked(address) : loginForm(address, "That account number and PIN are not valid.", 401);
    }
    return grantsPage(result.traveler, address, null);
  }

  async function act(form: URLSearchParams, address: string): Promise<Reply> {
    const session = await openPageSession(ctx, sessions, form.get("session") ?? "");
    if (!session) return loginForm(address, SESSION_ENDED, 401);
    const travelerId = session.id;
    const actor = `traveler:${travelerId}`;
    try {
      const action = form.get("action");
      if (action === "allow") {
        await createGrant(ctx, { travelerId, address, channel: "LINK", actor, credentialVersion: session.credentialVersion });
        return grantsPage(session, address, `${address} is allowed.`);
      }
      const grant = await ctx.prisma.travelerGrant.findFirst({ where: { id: form.get("grant") ?? "", travelerId, revokedAt: null, expiresAt: { gt: ctx.now() } } });
      if (!grant) return grantsPage(session, address, "That grant has already ended.");
      if (action === "renew") {
        await createGrant(ctx, { travelerId, address: grant.address, channel: "LINK", actor, credentialVersion: session.credentialVersion });
        return grantsPage(session, address, `${grant.address} is renewed.`);
      }
      if (action === "end") {
        await revokeGrant(ctx, { grantId: grant.id, actor });
        return grantsPage(session, address, `${grant.address} is no longer allowed.`);
      }
      return problem(400, "Unknown action", "Go back and choose an action.");
    } catch (error) {
      if (isGatehouseError(error, "UNAUTHORIZED")) return loginForm(address, SESSION_ENDED, 401);
      if (isGatehouseError(error, "BAD_INPUT") || isGatehouseError(error, "FORBIDDEN") || isGatehouseError(error, "CONFLICT")) {
        return grantsPage(session, address, error.message);
      }
      throw error;
    }
  }

  async function grantsPage(traveler: SessionTraveler, address: string, notice: string | null): Promise<Reply> {
    const now = ctx.now();
    const travelerId = traveler.id;
    const session = sessions.issue(traveler, now);
    const grants = await ctx.prisma.travelerGrant.findMany({ where: { travelerId, revokedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: "asc" } });
    const button = (action: string, label: string, grantId = "") =>
      html`<form method="post" action="${GRANT_ACTIONS_PATH}" style="display:inline"><input type="hidden" name="session" value="${session}"><input type="hidden" name="action" value="${action}"><input type="hidden" name="grant" value="${grantId}"><button type="submit">${label}</button></form>`;
    const rows = grants.map((grant) => html`<tr><td class="address">${grant.address}</td><td>until ${formatInstant(grant.expiresAt, ctx.timeZone)}</td><td>${button("renew", "Renew", grant.id)} ${button("end", "End", grant.id)}</td></tr>`);
    const refusal = refusalFor(address);
    const here = grants.some((grant) => grant.address === address)
      ? html``
      : refusal
        ? html`<p>This device cannot be allowed: ${refusal}.</p>`
        : html`<p>${button("allow", `Allow this device (${address})`)}</p>`;
    return {
      status: 200,
      title: "Your Gatehouse access",
      body: html`${notice ? html`<p><strong>${notice}</strong></p>` : html``}${grants.length > 0 ? html`<table>${rows}</table>` : html`<p>You have no address allowed right now.</p>`}${here}`,
    };
  }

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://traveler.invalid");
    const handler = routes[url.pathname]?.[req.method ?? "GET"];
    let reply: Reply;
    try {
      reply = handler ? await handler(req, url) : problem(405, "Not allowed", "This page does not take that request.");
    } catch (error) {
      if (error instanceof FormError) reply = problem(error.status, "Bad request", error.message);
      else {
        ctx.logger.error({ err: error instanceof Error ? error.message : String(error), path: url.pathname }, "traveler page failed");
        reply = problem(500, "Something went wrong", "Please try again in a minute.");
      }
    }
    res.writeHead(reply.status, PAGE_HEADERS);
    res.end(page(reply.title, reply.body));
  };
}

function grantedBody(address: string, expiresAt: Date, servers: Array<{ name: string }>): Html {
  return html`<p class="address">${address}</p><p>is allowed until ${expiresAt.toISOString()} on:</p><ul>${servers.map((server) => html`<li>${server.name}</li>`)}</ul><p>A confirmation is on its way to your email.</p>`;
}

function unusableLink(why: "unknown" | "used" | "expired" | "used-or-expired"): Reply {
  const text = {
    unknown: "This link is not valid.",
    used: "This link has already been used. Each link works once.",
    expired: "This link has expired: links work for 15 minutes.",
    "used-or-expired": "This link has already been used or has expired.",
  }[why];
  return problem(why === "unknown" ? 404 : 410, "This link cannot be used", `${text} Call again and press 0 at the address prompt for a new one.`);
}

function blocked(address: string): Reply {
  return problem(429, "Too many attempts", `There were too many failed attempts from ${address}. Try again in an hour, or call the number you were given.`);
}

function problem(status: number, title: string, message: string): Reply {
  return { status, title, body: html`<p class="problem">${message}</p>` };
}

class FormError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") throw new FormError(415, "Send the form from the page.");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new FormError(413, "That form is too large.");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
