// The blocked-attempts page in Chromium against a real control plane. Knocks arrive the way an
// agent sends them: pbx-nyc-1 is enrolled over POST /agent/enroll with the token the API gives,
// and a client speaking the real agent protocol over the hub's WebSocket reports the interval's
// top sources (the real agent needs a real firewall to count; its namespace test does that).
// The plane places sources with a synthetic geo database (GEO_DATABASE_DIR) in the real format.
// Stories: an MSP admin opens a server's blocked attempts, sees the chart, the top source with
// its country, AS and ports, allows it for 4 h after a confirmation, and the entry (server scope, the expiry)
// and its audit event exist; a tenant admin of another tenant sees none of it, in the browser or
// the API; the fleet page says each server's count.
import { copyFileSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { errorOf, signedInClient, TestAgentClient, writeSyntheticGeoDatabase } from "@gatehouse/control-plane/testing";
import { requireCapability } from "@gatehouse/testkit/capability";
import { chromiumCapability, saveScreenshot } from "./support/browser.ts";
import { PHONE, useConsoleBrowser } from "./support/consoleBrowser.ts";
import { BRAVO_ADMIN, MSP_ADMIN, startConsoleUnderTest } from "./support/consolePlane.ts";
import { expectPagesFit } from "./support/layout.ts";
import { showsText } from "./support/polling.ts";

const runs = requireCapability("web console in Chromium", chromiumCapability());
const docsScreenshots = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "screenshots");

type Report = Extract<Parameters<TestAgentClient["send"]>[0], { type: "report" }>;
type Knock = NonNullable<Report["knocks"]>[number]["top"][number];

const SCANNER = "203.0.113.77";
const PROBER = "192.0.2.99";

function knocker(source: string, ports: Array<["tcp" | "udp", number, number]>): Knock {
  const at = new Date().toISOString();
  return {
    source,
    packets: ports.reduce((sum, [, , packets]) => sum + packets, 0),
    firstSeenAt: at,
    lastSeenAt: at,
    ports: ports.map(([protocol, port, packets]) => ({ protocol, port, packets })),
    portsTried: ports.length,
  };
}

/** A plane whose geo database places the scanner in NL, AS 64511; nothing else is known. */
async function startPlaneWithGeo(geoDir: string) {
  await writeSyntheticGeoDatabase(geoDir, {
    version: "synthetic-knocks-console@1",
    country: [{ from: "203.0.113.0", to: "203.0.113.255", country: "NL" }],
    asn: [{ from: "203.0.113.64", to: "203.0.113.127", asn: 64511, org: "Example Hosting B.V." }],
  });
  return startConsoleUnderTest({ GEO_DATABASE_DIR: geoDir });
}

describe.skipIf(!runs)("the blocked-attempts page and its one-click allow", () => {
  let geoDir: string | undefined;
  const web = useConsoleBrowser(async () => startPlaneWithGeo((geoDir = await mkdtemp(join(tmpdir(), "knocks-console-geo-")))), {
    context: { locale: "en-US", timezoneId: "UTC" },
  });
  let agent: TestAgentClient | undefined;
  afterAll(async () => {
    agent?.close();
    if (geoDir) await rm(geoDir, { recursive: true, force: true });
  });

  /** Enrolls pbx-nyc-1 as an agent does and reports one interval of knocks over the hub. */
  beforeAll(async () => {
    const { cp } = web;
    const { token } = await cp.admin.servers.regenerateEnrollment.mutate({ serverId: cp.fleet.servers.nyc1 });
    const enrolled = await fetch(`${cp.url}/agent/enroll`, { method: "POST", body: JSON.stringify({ token, hostname: "pbx-nyc-1", agentVersion: "0.1.0" }) });
    expect(enrolled.status).toBe(200);
    const { credential } = (await enrolled.json()) as { credential: string };
    agent = await TestAgentClient.connect(cp.url, credential);
    const state = await agent.next("state");
    const top = [knocker(SCANNER, [["udp", 5060, 1200], ["udp", 12000, 34]]), knocker(PROBER, [["tcp", 22, 40], ["tcp", 3389, 9]])];
    agent.reportApplied(state, { knocks: [{ from: new Date(Date.now() - 300_000).toISOString(), to: new Date().toISOString(), sources: 2, packets: 1283, top }] });
    // An ack may answer the hello: wait until the report is stored.
    await vi.waitFor(async () => expect((await cp.admin.knocks.top.query({ serverId: cp.fleet.servers.nyc1 })).sources).toHaveLength(2), 15_000);
  });

  const sourceRow = (page: Page, source: string) => page.getByRole("table", { name: "Top blocked sources" }).locator(`tr[data-source="${source}"]`);

  it("an MSP admin opens a server's blocked attempts from its page: the chart, the top source with its country, AS and ports", async () => {
    const page = await web.signedIn(MSP_ADMIN);
    await page.goto(`${web.cp.url}/#/servers/${web.cp.fleet.servers.nyc1}`);
    await page.getByRole("main").getByRole("link", { name: "Blocked attempts", exact: true }).click();
    await page.getByRole("heading", { name: "Blocked attempts", level: 1 }).waitFor();
    expect(await page.getByLabel("Server").inputValue()).toBe(web.cp.fleet.servers.nyc1);
    await showsText(page.getByTestId("knock-summary"), "1,283 dropped in 24 h; at most 1,283 per 5 minutes");
    await page.getByRole("img", { name: /Chart of dropped packets per 5 minutes/ }).locator("canvas").waitFor();
    const scanner = sourceRow(page, SCANNER);
    await showsText(scanner, "1,234");
    expect(await scanner.locator('td[data-label="Country"]').textContent()).toBe("NL");
    expect(await scanner.locator('td[data-label="ASN and organisation"]').textContent()).toBe("AS64511 Example Hosting B.V.");
    expect(await sourceRow(page, PROBER).locator('td[data-label="Country"]').textContent()).toBe("unknown");
    await showsText(scanner, "udp/5060, udp/12000");
    await showsText(sourceRow(page, PROBER), "tcp/22, tcp/3389");
    const ports = page.getByRole("table", { name: "Ports tried" });
    await showsText(ports.locator('tr[data-port="udp/5060"]'), "SIP");
    await showsText(ports.locator('tr[data-port="tcp/3389"]'), "none of ours");
  });

  it("allows the top source for 4 hours after a confirmation that says until when; the row then says it is allowed, and the entry is audited", async () => {
    const page = await web.signedIn(MSP_ADMIN);
    await page.goto(`${web.cp.url}/#/knocks?server=${web.cp.fleet.servers.nyc1}`);
    const scanner = sourceRow(page, SCANNER);
    await scanner.getByRole("button", { name: `Allow ${SCANNER}…` }).click();
    const choice = scanner.getByRole("group", { name: `Allow ${SCANNER}` });
    // The keyboard lands on the duration; the services are those whose ports it tried.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(await choice.getByLabel("For").getAttribute("id"));
    await choice.getByLabel("For").selectOption({ label: "4 hours" });
    expect(await choice.getByLabel("SIP", { exact: true }).isChecked()).toBe(true);
    expect(await choice.getByLabel("RTP media").isChecked()).toBe(true);
    expect(await choice.getByLabel("SSH").isChecked()).toBe(false);
    await showsText(choice.getByRole("status"), `Allow ${SCANNER} to reach RTP media, SIP on pbx-nyc-1 until`);
    await showsText(choice.getByRole("status"), "(4 h)");
    await saveScreenshot(page, "blocked-attempts-confirm");
    const before = Date.now();
    await choice.getByRole("button", { name: "Allow for 4 h" }).click();
    await showsText(scanner, /allowed until \w{3}, \w{3} \d+, \d\d:\d\d [AP]M UTC/);
    const shot = await saveScreenshot(page, "blocked-attempts");
    mkdirSync(docsScreenshots, { recursive: true });
    copyFileSync(shot, join(docsScreenshots, "blocked-attempts.png"));

    const { entries } = await web.cp.admin.entries.list.query({ serverId: web.cp.fleet.servers.nyc1, source: SCANNER });
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(entry).toMatchObject({ scope: "SERVER", serverId: web.cp.fleet.servers.nyc1, services: ["rtp", "sip"], comment: "allowed from blocked attempts", origin: "OPERATOR" });
    const expiresIn = new Date(entry.expiresAt!).getTime() - before;
    expect(expiresIn).toBeGreaterThan(4 * 3_600_000 - 60_000);
    expect(expiresIn).toBeLessThan(4 * 3_600_000 + 60_000);
    const { events } = await web.cp.admin.audit.list.query({ targetId: entry.id });
    expect(events.map((e) => e.action)).toEqual(["entry.created"]);
    expect(JSON.stringify(events[0]!.after)).toContain("allowed from blocked attempts");
  });

  it("on the tenant's view, a source is allowed on every server of the tenant, for the hour chosen", async () => {
    const { cp } = web;
    const page = await web.signedIn(MSP_ADMIN);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Blocked attempts" }).click();
    await page.getByLabel("Tenant").selectOption({ label: "Acme Dental" });
    expect(await page.getByLabel("Server").inputValue()).toBe("");
    const prober = sourceRow(page, PROBER);
    await showsText(prober.locator('td[data-label="Servers"]'), "1");
    await showsText(page.getByTestId("geo-attribution"), "synthetic-knocks-console@1");
    const ask = prober.getByRole("button", { name: `Allow ${PROBER}…` });
    await ask.click();
    const choice = prober.getByRole("group", { name: `Allow ${PROBER}` });
    // Cancel writes nothing and gives the keyboard back to the button.
    await choice.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => ask.evaluate((button) => button === document.activeElement)).toBe(true);
    await ask.press("Enter");
    await choice.getByLabel("For").selectOption({ label: "1 hour" });
    // It tried SSH and a port of no service: SSH is never ticked for the operator, SIP is.
    expect(await choice.getByLabel("SSH").isChecked()).toBe(false);
    expect(await choice.getByLabel("SIP", { exact: true }).isChecked()).toBe(true);
    await showsText(choice.getByRole("status"), `Allow ${PROBER} to reach SIP on every server of Acme Dental until`);
    const before = Date.now();
    await choice.getByRole("button", { name: "Allow for 1 h" }).click();
    await showsText(prober, "allowed until");
    const { entries } = await cp.admin.entries.list.query({ tenantId: cp.fleet.acme.id, source: PROBER });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ scope: "TENANT", tenantId: cp.fleet.acme.id, serverId: null, services: ["sip"], comment: "allowed from blocked attempts" });
    expect(Math.abs(new Date(entries[0]!.expiresAt!).getTime() - before - 3_600_000)).toBeLessThan(60_000);
  });

  it("a tenant admin of another tenant sees none of this server's knocks, in the browser or the API", async () => {
    const { cp } = web;
    const bravo = await signedInClient(cp.url, BRAVO_ADMIN.email, BRAVO_ADMIN.password);
    expect((await errorOf(bravo.knocks.top.query({ serverId: cp.fleet.servers.nyc1 }))).code).toBe("NOT_FOUND");
    expect((await errorOf(bravo.knocks.series.query({ serverId: cp.fleet.servers.nyc1 }))).code).toBe("NOT_FOUND");
    expect((await errorOf(bravo.knocks.ports.query({ serverId: cp.fleet.servers.nyc1 }))).code).toBe("NOT_FOUND");
    expect((await errorOf(bravo.knocks.tenantTop.query({ tenantId: cp.fleet.acme.id }))).code).toBe("NOT_FOUND");
    const own = JSON.stringify([
      await bravo.knocks.tenantTop.query({ tenantId: cp.fleet.bravo.id, hours: 720 }),
      await bravo.knocks.tenantSeries.query({ tenantId: cp.fleet.bravo.id, hours: 720 }),
      await bravo.knocks.fleetTrend.query(),
    ]);
    for (const leak of [SCANNER, PROBER, cp.fleet.servers.nyc1]) expect(own).not.toContain(leak);
    // The MSP admin's own tenant view of Acme has them, so the check above could fail.
    expect(JSON.stringify(await cp.admin.knocks.tenantTop.query({ tenantId: cp.fleet.acme.id }))).toContain(SCANNER);

    const page = await web.signedIn(BRAVO_ADMIN);
    await page.goto(`${cp.url}/#/knocks?server=${cp.fleet.servers.nyc1}`);
    await showsText(page.getByRole("main"), "This server is not one you can see.");
    await page.goto(`${cp.url}/#/knocks`);
    await showsText(page.getByRole("main"), "No packet was dropped on every server of Bravo Logistics");
    expect(await page.getByLabel("Tenant").count()).toBe(0);
    expect(await page.getByRole("main").textContent()).not.toContain(SCANNER);
  });

  it("the fleet page says each server's blocked attempts in 24 h, with a sparkline", async () => {
    const page = await web.signedIn(MSP_ADMIN);
    const row = (name: string) => page.getByRole("table", { name: "Servers" }).locator(`tr[data-server="${name}"]`);
    await showsText(row("pbx-nyc-1").getByTestId("knock-trend"), "1,283 dropped in 24 h");
    await showsText(row("pbx-lax-1").getByTestId("knock-trend"), "none dropped in 24 h");
    await row("pbx-nyc-1").getByRole("img", { name: "Dropped packets per hour over the last 24 hours: 1,283 dropped in 24 h" }).locator("canvas").waitFor();
    await saveScreenshot(page, "fleet-trend");
    await row("pbx-nyc-1").getByTestId("knock-trend").click();
    await page.getByRole("heading", { name: "Blocked attempts", level: 1 }).waitFor();
    await showsText(sourceRow(page, SCANNER), "allowed until");
  });

  it("the page fits a phone, for the server and for the tenant", async () => {
    const phone = await web.signedIn(MSP_ADMIN, { viewport: PHONE });
    await expectPagesFit(
      phone,
      web.cp.url,
      [
        ["blocked-attempts-server", `#/knocks?server=${web.cp.fleet.servers.nyc1}`],
        ["blocked-attempts-tenant", `#/knocks?tenant=${web.cp.fleet.acme.id}`],
      ],
      "phone-",
    );
  });
});
