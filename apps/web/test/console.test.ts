// The operators' web console in a real browser (Debian's Chromium via playwright-core) against
// a real control plane on a real database: an operator's stories, with screenshots of the main
// pages saved to test-artifacts/screenshots/ (CI keeps them as artifacts).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { AgentOnTestHost } from "./support/agentProcess.ts";
import { chromiumCapability, saveScreenshot } from "./support/browser.ts";
import { PHONE, useConsoleBrowser } from "./support/consoleBrowser.ts";
import { expectPagesFit } from "./support/layout.ts";
import { BRAVO_ADMIN, MSP_ADMIN, startConsoleUnderTest } from "./support/consolePlane.ts";
import { hasCount, showsText } from "./support/polling.ts";

const runs = requireCapability("web console in Chromium", chromiumCapability());
const readmeScreenshots = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "screenshots");

describe.skipIf(!runs)("the operators' web console", () => {
  const web = useConsoleBrowser(startConsoleUnderTest, { acceptDialogs: true });
  const { newPage, signIn } = web;
  const agent = new AgentOnTestHost();
  afterAll(() => agent.stop());

  function serverRow(page: Page, name: string) {
    return page.getByRole("table", { name: "Servers" }).locator(`tr[data-server="${name}"]`);
  }

  let msp: Page;

  it("an MSP admin signs in, with a wrong password refused first, and sees every tenant's servers", async () => {
    msp = await newPage();
    await msp.goto(web.cp.url);
    await msp.getByLabel("Email").fill(MSP_ADMIN.email);
    await msp.getByLabel("Password").fill("not the password");
    await msp.getByRole("button", { name: "Sign in" }).click();
    await showsText(msp.getByRole("alert"), "wrong e-mail or password");
    await saveScreenshot(msp, "sign-in");

    await signIn(msp, MSP_ADMIN);
    for (const name of ["pbx-nyc-1", "pbx-lax-1", "pbx-bravo-1"]) await serverRow(msp, name).waitFor();
    await showsText(serverRow(msp, "pbx-bravo-1"), "Bravo Logistics");
    await showsText(serverRow(msp, "pbx-nyc-1"), "awaiting enrollment");
  });

  it("a server created in the console shows its enrollment command; once its agent runs, the overview shows it online by itself", async () => {
    await msp.getByRole("link", { name: "Add server" }).click();
    await msp.getByLabel("Tenant").selectOption({ label: "Acme Dental" });
    await msp.getByLabel("Name").fill("pbx-nyc-2");
    await msp.getByLabel("Groups (tags)").fill("nyc");
    await msp.getByRole("button", { name: "Create server" }).click();
    const command = (await msp.getByLabel("Enrollment command").textContent()) ?? "";
    expect(command).toMatch(/^gatehouse-agent enroll --url http:\/\/127\.0\.0\.1:\d+ --token \S+$/);
    await saveScreenshot(msp, "server-created");

    await agent.enroll(command);
    agent.start();
    await msp.getByRole("link", { name: "Fleet", exact: true }).click();
    // No reload: the overview polls, and the row turns online with the agent's report.
    const row = serverRow(msp, "pbx-nyc-2");
    await (row.getByText("online", { exact: true })).waitFor({ timeout: 30_000 });
    await (row.getByText("in sync")).waitFor({ timeout: 30_000 });
    // The nyc group's trunk is a host name the agent cannot resolve on this test host.
    await showsText(row, "sip.trunk.acme.example", 30_000);
    await showsText(msp.getByTestId("problem-count"), "1 server with problems");
    await saveScreenshot(msp, "fleet-overview");
    mkdirSync(readmeScreenshots, { recursive: true });
    copyFileSync(await saveScreenshot(msp, "fleet-overview"), join(readmeScreenshots, "fleet-overview.png"));

    // Its page shows what the agent reported, down to each host name's answer.
    await row.getByRole("link", { name: "pbx-nyc-2" }).click();
    await showsText(msp.getByRole("region", { name: "Last agent report" }), "dry-run");
    await showsText(msp.getByRole("table", { name: "Host names as the agent resolved them" }), "sip.trunk.acme.example");
    await saveScreenshot(msp, "server-detail-online");
    await msp.getByRole("link", { name: "Fleet", exact: true }).click();
  });

  it("the fleet overview filters by tenant, tag and status", async () => {
    await msp.getByLabel("Tenant").selectOption({ label: "Bravo Logistics" });
    await serverRow(msp, "pbx-bravo-1").waitFor();
    await hasCount(serverRow(msp, "pbx-nyc-1"), 0);
    await msp.getByLabel("Tenant").selectOption({ label: "All tenants" });
    await msp.getByLabel("Tag").selectOption("nyc");
    await serverRow(msp, "pbx-nyc-2").waitFor();
    await hasCount(serverRow(msp, "pbx-lax-1"), 0);
    await msp.getByLabel("Tag").selectOption({ label: "Any tag" });
    await msp.getByLabel("Status").selectOption({ label: "Online" });
    await serverRow(msp, "pbx-nyc-2").waitFor();
    await hasCount(msp.getByRole("table", { name: "Servers" }).locator("tbody tr"), 1);
    await msp.getByLabel("Status").selectOption({ label: "Any status" });
  });

  it("an IP added on a server's page appears in that server's effective ruleset", async () => {
    await serverRow(msp, "pbx-lax-1").getByRole("link", { name: "pbx-lax-1" }).click();
    await msp.getByRole("heading", { name: "pbx-lax-1", level: 1 }).waitFor();
    const ruleset = msp.getByTestId("effective-ruleset");
    await showsText(ruleset, "198.51.100.0/24"); // the tenant's entry reaches it
    expect(await ruleset.textContent()).not.toContain("203.0.113.77");

    await msp.getByLabel("Address, CIDR or host name").fill("203.0.113.77");
    await msp.getByLabel("Comment").fill("Dr. Smith at home");
    await msp.getByRole("button", { name: "SIP + RTP (voice)" }).click();
    await msp.getByRole("button", { name: "Allow", exact: true }).click();
    await (msp.getByText("203.0.113.77 is allowed.")).waitFor();
    await showsText(ruleset, "203.0.113.77");
    await showsText(msp.getByRole("table", { name: "Allow entries" }).locator('tr[data-entry="203.0.113.77"]'), "Dr. Smith at home");
    await (msp.getByRole("table", { name: "Recent audit events" })).waitFor();
    await saveScreenshot(msp, "server-detail");

    const reaching = await web.cp.admin.entries.list.query({ serverId: web.cp.fleet.servers.lax1, source: "203.0.113.77" });
    expect(reaching.entries.map((e) => [e.source, e.scope, e.serverId])).toEqual([["203.0.113.77", "SERVER", web.cp.fleet.servers.lax1]]);
    const other = await web.cp.admin.entries.list.query({ serverId: web.cp.fleet.servers.nyc1, source: "203.0.113.77" });
    expect(other.entries).toEqual([]);
  });

  it("a bad address shows the parser's message next to the field and adds nothing", async () => {
    const before = await web.cp.admin.entries.list.query({ limit: 500 });
    await msp.getByRole("link", { name: "Allowlist" }).click();
    await msp.getByRole("heading", { name: "Allowlist", level: 1 }).waitFor();
    const form = msp.getByRole("form", { name: "Allow a source" });
    const source = form.getByLabel("Address, CIDR or host name");
    await source.fill("198.51.100.300");
    await form.getByLabel("Scope").selectOption("SERVER");
    await form.getByLabel("Server").selectOption({ label: "pbx-nyc-1 (Acme Dental)" });
    await form.getByRole("button", { name: "SIP + RTP (voice)" }).click();
    await form.getByRole("button", { name: "Allow", exact: true }).click();

    const message = msp.locator("#entry-source-error");
    await (message).waitFor();
    await showsText(message, "198.51.100.300");
    expect(await source.getAttribute("aria-invalid")).toBe("true");
    expect(await source.getAttribute("aria-describedby")).toMatch(/entry-source-error/);
    await saveScreenshot(msp, "allowlist-parser-error");

    const after = await web.cp.admin.entries.list.query({ limit: 500 });
    expect(after.entries.map((e) => e.id).sort()).toEqual(before.entries.map((e) => e.id).sort());
  });

  it("an entry removed from the allowlist is gone from the list", async () => {
    await msp.getByLabel("Source contains").fill("203.0.113.77");
    const row = msp.getByRole("table", { name: "Allow entries" }).locator('tr[data-entry="203.0.113.77"]');
    await row.waitFor();
    await row.getByRole("button", { name: "Remove 203.0.113.77" }).click();
    await hasCount(row, 0);
    await msp.getByLabel("Source contains").fill("");
    await saveScreenshot(msp, "allowlist");
    expect((await web.cp.admin.entries.list.query({ source: "203.0.113.77" })).entries).toEqual([]);
  });

  it("a provider preset switched on for a tenant reaches that tenant's servers", async () => {
    await msp.getByRole("link", { name: "Presets" }).click();
    await msp.getByLabel("Tenant").selectOption({ label: "Acme Dental" });
    const presets = await web.cp.admin.presets.list.query({ tenantId: web.cp.fleet.acme.id });
    const preset = presets[0];
    if (!preset) throw new Error("no provider presets were seeded");
    const row = msp.locator(`tr[data-preset="${preset.name}"]`);
    await row.getByLabel(`for every server of Acme Dental`).click();
    await expect.poll(() => (row.getByLabel(`for every server of Acme Dental`)).isChecked()).toBe(true);
    await saveScreenshot(msp, "presets");
    const after = await web.cp.admin.presets.list.query({ tenantId: web.cp.fleet.acme.id });
    expect(after.find((p) => p.id === preset.id)?.enablements.map((e) => [e.tenantId, e.serverId])).toEqual([[web.cp.fleet.acme.id, null]]);
    const acmeServer = await web.cp.admin.rulesets.effective.query({ serverId: web.cp.fleet.servers.lax1 });
    expect(acmeServer.desiredState.entries.map((e) => e.source)).toEqual(expect.arrayContaining(preset.hosts));
    const bravoServer = await web.cp.admin.rulesets.effective.query({ serverId: web.cp.fleet.servers.bravo1 });
    expect(bravoServer.desiredState.entries.map((e) => e.source)).not.toEqual(expect.arrayContaining(preset.hosts));
  });

  it("a traveler is created with a PIN shown once, granted an address, and the grant is revoked", async () => {
    await msp.getByRole("link", { name: "Travelers" }).click();
    await msp.getByLabel("Tenant").selectOption({ label: "Acme Dental" });
    await msp.getByRole("heading", { name: "New traveler" }).waitFor();
    await msp.getByLabel("Name", { exact: true }).fill("Sam Sales");
    await msp.getByLabel("Email").fill("sam@acme.example");
    await hasCount(msp.getByLabel("Account number"), 0);
    await msp.getByRole("button", { name: "Create traveler" }).click();
    const pin = (await msp.getByLabel("PIN for Sam Sales").textContent()) ?? "";
    expect(pin).toMatch(/^\d{6,}$/);
    const account = (await msp.getByLabel("Account number of Sam Sales").textContent()) ?? "";
    expect(account).toMatch(/^[1-9]\d{7}$/);
    await msp.locator('tr[data-traveler="Sam Sales"]').waitFor();
    await msp.getByRole("button", { name: "Done" }).click();
    await hasCount(msp.getByLabel("PIN for Sam Sales"), 0);

    await msp.getByLabel("Traveler", { exact: true }).selectOption({ label: `Sam Sales (${account})` });
    await msp.getByLabel("Public IP address").fill("203.0.113.50");
    await msp.getByRole("button", { name: "Grant", exact: true }).click();
    const grant = msp.getByRole("table", { name: "Active grants" }).locator('tr[data-grant="203.0.113.50"]');
    await showsText(grant, "Sam Sales");
    await saveScreenshot(msp, "travelers");

    await grant.getByRole("button", { name: "Revoke 203.0.113.50 of Sam Sales" }).click();
    await hasCount(grant, 0);
    const { grants } = await web.cp.admin.travelers.grants.query({ tenantId: web.cp.fleet.acme.id, activeOnly: false });
    expect(grants.map((g) => [g.address, g.status])).toEqual([["203.0.113.50", "revoked"]]);
  });

  it("the audit log lists the console's changes and filters them by action", async () => {
    await msp.getByRole("link", { name: "Audit log" }).click();
    await msp.getByLabel("Action").fill("entry.");
    await msp.getByRole("button", { name: "Apply filters" }).click();
    const table = msp.getByRole("table", { name: "Audit events" });
    await showsText(table.locator("tbody tr").first(), "entry.");
    const actions = await table.locator("tbody tr td:nth-child(3) .mono").allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action.startsWith("entry.")).toBe(true);
    await saveScreenshot(msp, "audit-log");
  });

  it("a tenant admin, signing in from the keyboard, sees only their own tenant", async () => {
    const bravo = await newPage();
    // From the keyboard alone: the e-mail field has the focus, Tab moves on, Enter signs in.
    await bravo.goto(web.cp.url);
    await bravo.getByLabel("Email").waitFor();
    await bravo.keyboard.type(BRAVO_ADMIN.email);
    await bravo.keyboard.press("Tab");
    await bravo.keyboard.type(BRAVO_ADMIN.password);
    await bravo.keyboard.press("Enter");
    await bravo.getByRole("heading", { name: "Fleet", level: 1 }).waitFor();
    await serverRow(bravo, "pbx-bravo-1").waitFor();
    await hasCount(bravo.getByRole("table", { name: "Servers" }).locator("tbody tr"), 1);
    await hasCount(bravo.getByText("Acme Dental"), 0);
    await saveScreenshot(bravo, "tenant-admin-fleet");

    await bravo.getByRole("link", { name: "Allowlist" }).click();
    await bravo.locator('tr[data-entry="192.0.2.44"]').waitFor();
    await hasCount(bravo.locator('tr[data-entry="198.51.100.0/24"]'), 0);
    expect(await (bravo.getByRole("form", { name: "Allow a source" }).getByLabel("Scope").locator("option")).allTextContents()).toEqual(["One tenant (all its servers)", "A server group of a tenant", "One server"]);

    // Another tenant's server, even by its address, is not there for them.
    await bravo.goto(`${web.cp.url}/#/servers/${web.cp.fleet.servers.nyc1}`);
    await showsText(bravo.getByRole("alert"), "not found");
    await hasCount(bravo.getByText("pbx-nyc-1"), 0);
  });

  it("every main page fits a phone-width screen without sideways scrolling", async () => {
    const phone = await web.signedIn(MSP_ADMIN, { viewport: PHONE });
    const pages = [
      ["fleet", "#/"],
      ["server", `#/servers/${web.cp.fleet.servers.nyc1}`],
      ["allowlist", "#/allowlist"],
      ["presets", "#/presets"],
      ["travelers", "#/travelers"],
      ["audit", "#/audit"],
    ] as const;
    await expectPagesFit(phone, web.cp.url, pages, "phone-");
  });

  it("a new server's one-time enrollment command shows at once, even while the console's other queries hang", async () => {
    const page = await web.signedIn(MSP_ADMIN);
    await page.getByRole("link", { name: "Add server" }).click();
    await page.getByLabel("Tenant").selectOption({ label: "Bravo Logistics" });
    await page.getByLabel("Name", { exact: true }).fill("pbx-bravo-2");
    // From here on, every read the console sends waits unanswered; only the create gets through.
    const held: Array<() => Promise<void>> = [];
    await page.route(/\/trpc\/(?!servers\.create)/, (route) => void held.push(() => route.continue()));
    await page.getByRole("button", { name: "Create server" }).click();
    expect(await page.getByLabel("Enrollment command").textContent()).toMatch(/^gatehouse-agent enroll --url http:\/\/127\.0\.0\.1:\d+ --token \S+$/);
    await expect.poll(() => held.length, { message: "the console refetches its queries after the create" }).toBeGreaterThan(0);
    await page.unroute(/\/trpc\//);
    for (const release of held) await release();
  });

  it("signing out ends the session", async () => {
    await msp.getByRole("button", { name: "Sign out" }).click();
    await msp.getByRole("button", { name: "Sign in" }).waitFor();
    await msp.reload();
    await msp.getByRole("button", { name: "Sign in" }).waitFor();
  });
});
