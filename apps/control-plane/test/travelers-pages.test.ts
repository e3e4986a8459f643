// The traveler pages over real HTTP: the mailed link grants the address the request comes from
// (behind a trusted proxy: its X-Forwarded-For), works once, expires; the account + PIN page
// locks out like the IVR and lets a traveler allow, renew and end grants.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, trustedProxies } from "../src/http/client-address.ts";
import { requestLink } from "../src/travelers/links.ts";
import { pageSessions } from "../src/travelers/page-session.ts";
import { travelerPages, type TravelerPageHandler } from "../src/travelers/pages.ts";
import { travelersFixture, type TravelersFixture } from "./kit/index.ts";

let f: TravelersFixture;
let behindProxy: Server;
let direct: Server;

/** An HTTP server over the pages; a page that throws answers 500, as behind the control plane. */
function serve(pages: TravelerPageHandler): Server {
  return createServer((req, res) => {
    pages(req, res).catch(() => res.writeHead(500).end());
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
let proxied = "";
let unproxied = "";

beforeAll(async () => {
  f = await travelersFixture();
  // Two page servers with one key, as two replicas sharing theirs.
  const sessions = pageSessions(randomBytes(32));
  behindProxy = serve(travelerPages(f.ctx, { clientAddress: (req) => clientAddress(req, trustedProxies(["127.0.0.1"])), sessions }));
  direct = serve(travelerPages(f.ctx, { clientAddress: (req) => clientAddress(req, trustedProxies([])), sessions }));
  proxied = await listen(behindProxy);
  unproxied = await listen(direct);
});
afterAll(async () => {
  behindProxy?.close();
  direct?.close();
  await f?.close();
});

const advance = (ms: number) => {
  f.clock.now = new Date(f.clock.now.getTime() + ms);
};

function get(base: string, path: string, from?: string) {
  return fetch(base + path, { headers: from ? { "x-forwarded-for": from } : {} }).then(async (res) => ({ status: res.status, text: await res.text(), headers: res.headers }));
}
function post(base: string, path: string, form: Record<string, string>, from?: string, type = "application/x-www-form-urlencoded") {
  return fetch(base + path, {
    method: "POST",
    headers: { "content-type": type, ...(from ? { "x-forwarded-for": from } : {}) },
    body: new URLSearchParams(form).toString(),
  }).then(async (res) => ({ status: res.status, text: await res.text() }));
}

/** Ask for a link as the IVR does and read its token from the mail the traveler receives. */
async function mailedToken(travelerId: string, email: string): Promise<string> {
  const before = f.smtp.received.filter((mail) => mail.to.includes(email)).length;
  expect(await requestLink(f.ctx, { travelerId, requestedBy: `traveler:${travelerId}` })).toBe(true);
  const mails = (await f.smtp.waitForMessages(0)).filter((mail) => mail.to.includes(email));
  expect(mails.length).toBe(before + 1);
  const match = /http:\/\/gatehouse\.test\/traveler\/link\?token=([A-Za-z0-9_-]+)/.exec(mails.at(-1)?.text ?? "");
  expect(match).not.toBeNull();
  return match?.[1] ?? "";
}

describe("the single-use link", () => {
  it("shows the address the browser comes from, grants it on POST, and works once", async () => {
    const id = await f.traveler({ email: "hal@road.example", name: "Hal" });
    const token = await mailedToken(id, "hal@road.example");
    const shown = await get(proxied, `/traveler/link?token=${token}`, "203.0.113.44");
    expect(shown.status).toBe(200);
    expect(shown.text).toContain("203.0.113.44");
    expect(shown.text).toContain(`name="token" value="${token}"`);
    expect(shown.headers.get("cache-control")).toBe("no-store");
    expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await f.prisma.travelerGrant.count({ where: { travelerId: id } })).toBe(0);

    const used = await post(proxied, "/traveler/link", { token }, "203.0.113.44");
    expect(used.status).toBe(200);
    expect(used.text).toContain("is allowed until");
    const grants = await f.prisma.travelerGrant.findMany({ where: { travelerId: id }, include: { allowEntries: true } });
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ address: "203.0.113.44", channel: "LINK" });
    expect(grants[0]?.allowEntries[0]).toMatchObject({ source: "203.0.113.44", origin: "TRAVELER" });

    const again = await post(proxied, "/traveler/link", { token }, "203.0.113.45");
    expect(again.status).toBe(410);
    expect(again.text).toContain("already been used");
    expect((await get(proxied, `/traveler/link?token=${token}`, "203.0.113.44")).status).toBe(410);
    expect(await f.prisma.travelerGrant.count({ where: { travelerId: id } })).toBe(1);
    await f.ctx.background.drain();
    const confirmation = f.smtp.received.filter((mail) => mail.to.includes("hal@road.example")).at(-1);
    expect(confirmation?.text).toContain("Your address 203.0.113.44 was allowed through your link.");
  });

  it("expires after 15 minutes and then grants nothing", async () => {
    const id = await f.traveler({ email: "ida@road.example" });
    const token = await mailedToken(id, "ida@road.example");
    advance(15 * 60_000 + 1);
    const shown = await get(proxied, `/traveler/link?token=${token}`, "203.0.113.50");
    expect(shown.status).toBe(410);
    expect(shown.text).toContain("expired");
    expect((await post(proxied, "/traveler/link", { token }, "203.0.113.50")).status).toBe(410);
    expect(await f.prisma.travelerGrant.count({ where: { travelerId: id } })).toBe(0);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    const id = await f.traveler({ email: "jo@road.example" });
    const token = await mailedToken(id, "jo@road.example");
    const shown = await get(unproxied, `/traveler/link?token=${token}`, "203.0.113.60");
    expect(shown.text).not.toContain("203.0.113.60");
    expect(shown.text).toContain("127.0.0.1");
    expect(shown.text).toContain("cannot be allowed");
    expect(shown.text).not.toContain("<button");
    expect((await post(unproxied, "/traveler/link", { token }, "203.0.113.60")).status).toBe(400);
    expect(await f.prisma.travelerGrant.count({ where: { travelerId: id } })).toBe(0);
  });

  it("refuses a private address, a missing or made-up token, and a form from elsewhere", async () => {
    const id = await f.traveler({ email: "kim@road.example" });
    const token = await mailedToken(id, "kim@road.example");
    expect((await get(proxied, `/traveler/link?token=${token}`, "10.0.0.5")).text).toContain("private network address");
    expect((await post(proxied, "/traveler/link", { token }, "10.0.0.5")).status).toBe(400);
    expect((await post(proxied, "/traveler/link", {}, "203.0.113.70")).status).toBe(404);
    expect((await post(proxied, "/traveler/link", { token: "made-up" }, "203.0.113.70")).status).toBe(404);
    expect((await post(proxied, "/traveler/link", { token }, "203.0.113.70", "text/plain")).status).toBe(415);
    expect((await get(proxied, "/traveler/link?token=<script>", "203.0.113.70")).text).not.toContain("<script>");
    expect(await f.prisma.travelerGrant.count({ where: { travelerId: id } })).toBe(0);
    expect((await post(proxied, "/traveler/link", { token }, "203.0.113.70")).status).toBe(200);
  });
});

describe("the account + PIN page", () => {
  it("lists grants and lets the traveler allow this device, renew and end a grant", async () => {
    const id = await f.traveler({ email: "lee@road.example" });
    const account = await f.accountOf(id);
    expect((await get(proxied, "/traveler", "203.0.113.80")).text).toContain("203.0.113.80");
    const login = await post(proxied, "/traveler", { account, pin: "135790" }, "203.0.113.80");
    expect(login.status).toBe(200);
    expect(login.text).toContain("no address allowed");
    const session = /name="session" value="([^"]+)"/.exec(login.text)?.[1] ?? "";
    const allowed = await post(proxied, "/traveler/grants", { session, action: "allow", grant: "" }, "203.0.113.80");
    expect(allowed.text).toContain("203.0.113.80 is allowed.");
    const [grant] = await f.prisma.travelerGrant.findMany({ where: { travelerId: id, revokedAt: null } });
    expect(grant).toMatchObject({ address: "203.0.113.80", channel: "LINK" });

    advance(60_000);
    const renewed = await post(proxied, "/traveler/grants", { session, action: "renew", grant: grant?.id ?? "" }, "203.0.113.81");
    expect(renewed.text).toContain("203.0.113.80 is renewed.");
    const [fresh] = await f.prisma.travelerGrant.findMany({ where: { travelerId: id, revokedAt: null } });
    expect(fresh?.expiresAt.getTime()).toBe((grant?.expiresAt.getTime() ?? 0) + 60_000);

    const ended = await post(proxied, "/traveler/grants", { session, action: "end", grant: fresh?.id ?? "" }, "203.0.113.81");
    expect(ended.text).toContain("no longer allowed");
    expect(await f.prisma.travelerGrant.count({ where: { travelerId: id, revokedAt: null } })).toBe(0);
    expect(await f.prisma.allowEntry.count({ where: { travelerGrant: { travelerId: id } } })).toBe(0);
  });

  it("a forged or expired session changes nothing", async () => {
    const id = await f.traveler();
    const account = await f.accountOf(id);
    const forged = await post(proxied, "/traveler/grants", { session: "eyJ0IjoiYSIsImUiOjk5OTk5OTk5OTk5OTl9.AAAA", action: "allow" }, "203.0.113.90");
    expect(forged.status).toBe(401);
    const login = await post(proxied, "/traveler", { account, pin: "135790" }, "203.0.113.90");
    const session = /name="session" value="([^"]+)"/.exec(login.text)?.[1] ?? "";
    advance(11 * 60_000);
    expect((await post(proxied, "/traveler/grants", { session, action: "allow" }, "203.0.113.90")).status).toBe(401);
    expect(await f.prisma.travelerGrant.count({ where: { travelerId: id } })).toBe(0);
  });

  it("after 20 wrong PINs in an hour, refuses the right PIN from a new address, like the IVR, but not from one it was used from", async () => {
    const account = await f.accountOf(await f.traveler());
    expect((await post(proxied, "/traveler", { account, pin: "135790" }, "203.0.113.30")).status).toBe(200);
    for (let attempt = 0; attempt < 20; attempt += 1) {
      expect((await post(proxied, "/traveler", { account, pin: "000000" }, `198.51.100.${attempt + 1}`)).status).toBe(401);
    }
    const refused = await post(proxied, "/traveler", { account, pin: "135790" }, "198.51.100.99");
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("not valid");
    expect((await post(proxied, "/traveler", { account, pin: "135790" }, "203.0.113.30")).status).toBe(200);
    expect(await f.prisma.auditEvent.count({ where: { action: "traveler.locked" } })).toBeGreaterThanOrEqual(1);
  });

  it("refuses an address with 10 failures in an hour, even with a right PIN", async () => {
    const account = await f.accountOf(await f.traveler());
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await post(proxied, "/traveler", { account: `8999${attempt}`, pin: "000000" }, "198.51.100.77");
    }
    const blocked = await post(proxied, "/traveler", { account, pin: "135790" }, "198.51.100.77");
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain("Too many attempts");
    expect((await post(proxied, "/traveler", { account, pin: "135790" }, "198.51.100.78")).status).toBe(200);
  });
});
