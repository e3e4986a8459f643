// One parser for every address an operator or a traveler gives, over the real API and the real
// traveler link page: the lenient forms ipaddr.js reads as another address (010.010.010.010 as
// 8.8.8.8), sources that can never be a remote peer, and ranges with host bits set are refused
// with the reason, and nothing is stored.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "@gatehouse/testkit/database";
import { sha256Hex } from "@gatehouse/core";
import { travelersExtension } from "../src/travelers/extension.ts";
import { errorOf, revisions, seedFleet, startUnderTest, type Fleet, type PlaneUnderTest, startTestSmtpServer, type TestSmtpServer } from "./kit/index.ts";

let test: PlaneUnderTest;
let smtp: TestSmtpServer;
let fleet: Fleet;
let travelerId: string;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  // Production rules: documentation addresses are not grantable, and the link page believes
  // X-Forwarded-For from the proxy on loopback only.
  test = await startUnderTest(testDatabaseKinds()[0] ?? "pglite", {
    env: { SMTP_URL: smtp.url, TRUSTED_PROXIES: "127.0.0.1" },
    travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } },
    extensions: [travelersExtension()],
  });
  fleet = await seedFleet(test.admin);
  travelerId = (await test.admin.travelers.create.mutate({ tenantId: fleet.tenantA.id, name: "Ann", email: "ann@acme.example" })).traveler.id;
});
afterAll(async () => {
  await test?.stop();
  await smtp?.close();
});
beforeEach(async () => {
  await test.db.prisma.allowEntry.deleteMany();
  await test.db.prisma.travelerGrant.deleteMany();
});

/** Everything an address could have been written into; a refused call must leave all of it alone. */
async function writes() {
  const servers = await test.db.prisma.server.findMany({ select: { id: true, primaryAdminSource: true, lanRanges: true }, orderBy: { id: "asc" } });
  return {
    entries: await test.db.prisma.allowEntry.count(),
    grants: await test.db.prisma.travelerGrant.count(),
    audit: await test.db.prisma.auditEvent.count(),
    revisions: await revisions(test),
    servers,
  };
}

/** What ipaddr.js reads as another address, and what the one parser says instead. */
const LENIENT_FORMS: Array<[string, string, string]> = [
  ["010.010.010.010", "8.8.8.8", "010.010.010.010 is not an IPv4 address: octet 1 (010) has a leading zero, which some tools read as octal"],
  ["0x08080808", "8.8.8.8", "0x08080808 is not an IPv4 address: it is written in hex; write four decimal numbers, like 198.51.100.7"],
  ["134744072", "8.8.8.8", "134744072 is not an IPv4 address: it has 1 part, not 4"],
  ["8.8.8", "8.8.0.8", "8.8.8 is not an IPv4 address: it has 3 parts, not 4"],
  ["010.1.1.1", "8.1.1.1", "010.1.1.1 is not an IPv4 address: octet 1 (010) has a leading zero, which some tools read as octal"],
];

describe("an operator who meant 10.10.10.10 never allows 8.8.8.8", () => {
  it.each(LENIENT_FORMS)("a traveler grant for %s (ipaddr.js: %s) is refused, naming the problem, and nothing is stored", async (typed, _lenient, message) => {
    const before = await writes();
    expect(await errorOf(test.admin.travelers.grant.mutate({ travelerId, address: typed }))).toMatchObject({ code: "BAD_REQUEST", message });
    expect(await writes()).toEqual(before);
  });

  it.each(LENIENT_FORMS)("an allow entry for %s (ipaddr.js: %s) is refused on the source field, and nothing is stored", async (typed, _lenient, message) => {
    const before = await writes();
    expect(await errorOf(test.admin.entries.add.mutate({ source: typed, services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 } }))).toEqual({ code: "BAD_REQUEST", message, field: "source" });
    expect(await writes()).toEqual(before);
  });

  it.each(LENIENT_FORMS)("a server's admin address or LAN range of %s is refused on its field, and the server is unchanged", async (typed, _lenient, message) => {
    const before = await writes();
    expect(await errorOf(test.admin.servers.update.mutate({ serverId: fleet.serverA1, primaryAdminSource: typed }))).toEqual({ code: "BAD_REQUEST", message, field: "primaryAdminSource" });
    expect(await errorOf(test.admin.servers.update.mutate({ serverId: fleet.serverA1, lanRanges: ["10.0.0.0/8", typed] }))).toEqual({ code: "BAD_REQUEST", message, field: "lanRanges.1" });
    expect(await writes()).toEqual(before);
  });

  it("a well-written public address is granted in its canonical form", async () => {
    const grant = await test.admin.travelers.grant.mutate({ travelerId, address: " 8.8.4.4 " });
    expect(grant.address).toBe("8.8.4.4");
    expect(await test.db.prisma.allowEntry.findMany({ where: { travelerGrantId: grant.id }, select: { source: true } })).toEqual([{ source: "8.8.4.4" }]);
  });
});

describe("a source that can never be a remote peer is refused with the reason", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1 is a loopback address; it can never reach the server from outside"],
    ["::1", "::1 is a loopback address; it can never reach the server from outside"],
    ["224.0.0.1", "224.0.0.1 is a multicast address; it is only ever a destination, never the source of a packet"],
    ["255.255.255.255", "255.255.255.255 is the broadcast address; it is only ever a destination, never the source of a packet"],
    ["0.0.0.0/8", '0.0.0.0/8 is a "this network" range (0.0.0.0/8); no packet from outside comes from it'],
    ["240.0.0.0/8", "240.0.0.0/8 is a range reserved for future use (240.0.0.0/4); no host has one"],
    ["::1.2.3.4", "::1.2.3.4 is a deprecated IPv4-compatible IPv6 address (::/96); no host uses one: for the IPv4 address write 1.2.3.4"],
    ["::ffff:1.2.3.4", "::ffff:1.2.3.4 is an IPv4-mapped IPv6 address: use the IPv4 form 1.2.3.4"],
    ["0.0.0.0/0", "0.0.0.0/0 would allow every IPv4 address; allowing the whole Internet is refused"],
  ])("an allow entry for %s", async (source, message) => {
    const before = await writes();
    expect(await errorOf(test.admin.entries.add.mutate({ source, services: ["sip"], scope: { kind: "FLEET" } }))).toEqual({ code: "BAD_REQUEST", message, field: "source" });
    expect(await writes()).toEqual(before);
  });

  it("a LAN or VPN range stays allowed as an entry source", async () => {
    for (const source of ["10.0.0.0/8", "fd00:1234::/32", "100.64.0.0/10", "169.254.0.0/16"]) {
      await test.admin.entries.add.mutate({ source, services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA2 } });
    }
    expect((await test.db.prisma.allowEntry.findMany({ select: { source: true }, orderBy: { source: "asc" } })).map((entry) => entry.source)).toEqual([
      "10.0.0.0/8",
      "100.64.0.0/10",
      "169.254.0.0/16",
      "fd00:1234::/32",
    ]);
  });

  it("a traveler grant for a loopback or private address is refused the same way", async () => {
    const before = await writes();
    expect((await errorOf(test.admin.travelers.grant.mutate({ travelerId, address: "127.0.0.1" }))).message).toBe("127.0.0.1 is a loopback address; it can never reach the server from outside");
    expect((await errorOf(test.admin.travelers.grant.mutate({ travelerId, address: "10.10.10.10" }))).message).toBe("10.10.10.10 is a private network address (RFC 1918); only a public address can be granted");
    expect((await errorOf(test.admin.travelers.grant.mutate({ travelerId, address: "8.8.8.0/24" }))).message).toBe("8.8.8.0/24 is a range; a grant is one address, written without a prefix length");
    expect(await writes()).toEqual(before);
  });
});

describe("a range with host bits set is never silently widened", () => {
  it("1.2.3.4/8 is refused as an entry, naming 1.0.0.0/8", async () => {
    const before = await writes();
    expect(await errorOf(test.admin.entries.add.mutate({ source: "1.2.3.4/8", services: ["sip"], scope: { kind: "FLEET" } }))).toEqual({
      code: "BAD_REQUEST",
      message: "1.2.3.4/8 is not where a /8 range starts: did you mean 1.0.0.0/8 (the whole range) or 1.2.3.4 (that one address)?",
      field: "source",
    });
    expect(await writes()).toEqual(before);
    const entry = await test.admin.entries.add.mutate({ source: "1.0.0.0/8", services: ["sip"], scope: { kind: "FLEET" } });
    expect(entry.source).toBe("1.0.0.0/8");
  });

  it("10.1.2.3/8 is refused as a LAN range, naming 10.0.0.0/8", async () => {
    const before = await writes();
    expect(await errorOf(test.admin.servers.update.mutate({ serverId: fleet.serverA1, lanRanges: ["10.1.2.3/8"] }))).toEqual({
      code: "BAD_REQUEST",
      message: "10.1.2.3/8 is not where a /8 range starts: did you mean 10.0.0.0/8 (the whole range) or 10.1.2.3 (that one address)?",
      field: "lanRanges.0",
    });
    expect(await writes()).toEqual(before);
  });
});

describe("a server's admin address is public and its LAN ranges are local", () => {
  it("refuses a private admin address and a public LAN range, and keeps the server as it was", async () => {
    const before = await writes();
    expect(await errorOf(test.admin.servers.update.mutate({ serverId: fleet.serverA1, primaryAdminSource: "10.0.0.5" }))).toEqual({
      code: "BAD_REQUEST",
      message: "10.0.0.5 is a private network address (RFC 1918); the primary admin source must be public (put LAN and VPN ranges in the server's LAN ranges)",
      field: "primaryAdminSource",
    });
    expect(await errorOf(test.admin.servers.update.mutate({ serverId: fleet.serverA1, lanRanges: ["8.8.8.0/24"] }))).toEqual({
      code: "BAD_REQUEST",
      message: "8.8.8.0/24 is a public range, not a LAN range: LAN ranges are private (RFC 1918), unique local (fc00::/7) or link-local",
      field: "lanRanges.0",
    });
    expect(await errorOf(test.admin.servers.create.mutate({ tenantId: fleet.tenantA.id, name: "pbx-bad", primaryAdminSource: "127.0.0.1" }))).toMatchObject({ code: "BAD_REQUEST", field: "primaryAdminSource" });
    expect(await writes()).toEqual(before);
  });

  it("stores a public admin address and local LAN ranges in canonical form", async () => {
    const updated = await test.admin.servers.update.mutate({ serverId: fleet.serverA2, primaryAdminSource: "8.8.8.8", lanRanges: ["192.168.0.0/16", "FD00::/8"] });
    expect(updated).toMatchObject({ primaryAdminSource: "8.8.8.8", lanRanges: ["192.168.0.0/16", "fd00::/8"] });
  });
});

describe("the traveler link page reads the browser's address with the same parser", () => {
  /** A fresh single-use link for the traveler, as the IVR would have mailed it. */
  async function linkToken(): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const now = test.clock.now();
    await test.db.prisma.travelerLink.create({ data: { travelerId, tokenHash: sha256Hex(token), createdAt: now, expiresAt: new Date(now.getTime() + 15 * 60_000) } });
    return token;
  }
  const page = (token: string, forwardedFor: string) => fetch(`${test.plane.url}/traveler/link?token=${token}`, { headers: { "x-forwarded-for": forwardedFor } }).then((res) => res.text());
  const redeem = (token: string, forwardedFor: string) =>
    fetch(`${test.plane.url}/traveler/link`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": forwardedFor },
      body: new URLSearchParams({ token }).toString(),
    }).then(async (res) => ({ status: res.status, text: await res.text() }));

  it.each(LENIENT_FORMS)("a proxy forwarding %s (ipaddr.js: %s) gets no grant, and the link is not used up", async (forwarded, lenient) => {
    const token = await linkToken();
    const shown = await page(token, forwarded);
    expect(shown).toContain("cannot be allowed");
    expect(shown).not.toContain(lenient);
    expect(shown).not.toContain("<button");
    const used = await redeem(token, forwarded);
    expect(used.status).toBe(400);
    expect(used.text).not.toContain(lenient);
    expect(await test.db.prisma.travelerGrant.count()).toBe(0);
    expect((await test.db.prisma.travelerLink.findUniqueOrThrow({ where: { tokenHash: sha256Hex(token) } })).usedAt).toBeNull();
  });

  it("a loopback address forwarded by the proxy is refused with the reason", async () => {
    const token = await linkToken();
    expect(await page(token, "127.0.0.1")).toContain("127.0.0.1 is a loopback address; it can never reach the server from outside");
    expect((await redeem(token, "127.0.0.1")).status).toBe(400);
    expect(await test.db.prisma.travelerGrant.count()).toBe(0);
  });

  it("a dual-stack proxy's ::ffff:8.8.4.4 is the IPv4 address 8.8.4.4, and is granted as such", async () => {
    const token = await linkToken();
    const shown = await page(token, "::ffff:8.8.4.4");
    expect(shown).toContain("Allow 8.8.4.4");
    expect((await redeem(token, "::ffff:8.8.4.4")).status).toBe(200);
    expect((await test.db.prisma.travelerGrant.findMany({ select: { address: true } })).map((grant) => grant.address)).toEqual(["8.8.4.4"]);
  });
});
