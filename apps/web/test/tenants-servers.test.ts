// Tenants and servers managed from the console alone, in Chromium against a real control plane
// that starts EMPTY: the first sign-in creates the first tenant, adds a server, copies its
// enrollment command and sees the real agent come online; then the server's settings are
// edited (and reach its effective ruleset), it is revoked and deleted, tenants are renamed and
// deleted with their consequences shown first; a tenant admin gets no tenant controls and a
// viewer no server controls; the pages fit a phone. Screenshots go to test-artifacts/screenshots/.
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { AgentOnTestHost } from "./support/agentProcess.ts";
import { chromiumCapability, saveScreenshot } from "./support/browser.ts";
import { PHONE, useConsoleBrowser } from "./support/consoleBrowser.ts";
import { expectPagesFit } from "./support/layout.ts";
import { MSP_ADMIN, startEmptyConsoleUnderTest } from "./support/consolePlane.ts";
import { hasCount, showsText } from "./support/polling.ts";

const runs = requireCapability("web console in Chromium", chromiumCapability());
const PASSWORD = "a long enough password";

describe.skipIf(!runs)("tenants and servers in the console, from an empty database", () => {
  const web = useConsoleBrowser(startEmptyConsoleUnderTest, { clipboard: true });
  const { signedIn } = web;
  const agent = new AgentOnTestHost();
  afterAll(() => agent.stop());
  let msp: Page;
  let serverId: string;

  const serverRow = (page: Page, name: string) => page.getByRole("table", { name: "Servers" }).locator(`tr[data-server="${name}"]`);
  const tenantRow = (page: Page, name: string) => page.getByRole("table", { name: "Tenants" }).locator(`tr[data-tenant="${name}"]`);

  it("the first sign-in creates a tenant, adds a server, copies its enrollment command, and sees the real agent online", async () => {
    msp = await signedIn(MSP_ADMIN);
    await msp.getByRole("link", { name: "Add server" }).click();
    // No tenant yet: the page says so and creates one in place.
    await msp.getByRole("heading", { name: "First, create a tenant" }).waitFor();
    await saveScreenshot(msp, "new-server-no-tenant");
    await msp.getByLabel("Tenant name").fill("Acme Dental");
    await msp.getByRole("button", { name: "Create tenant" }).click();
    const form = msp.getByRole("form", { name: "New server" });
    await form.waitFor();
    await expect.poll(() => form.getByLabel("Tenant").locator("option:checked").textContent()).toBe("Acme Dental");

    await form.getByLabel("Name", { exact: true }).fill("pbx-first");
    // No admin address: said loudly before the server exists, and the default LAN ranges too.
    await showsText(form.getByTestId("no-admin-address"), "No primary admin address given.");
    await showsText(form.getByTestId("default-lan-ranges"), "on a cloud VPS");
    await saveScreenshot(msp, "new-server-form");
    await form.getByRole("button", { name: "Create server" }).click();

    const copyBlock = msp.locator(".copy-block", { has: msp.getByLabel("Enrollment command") });
    await copyBlock.getByRole("button", { name: "Copy" }).click();
    await copyBlock.getByRole("button", { name: "Copied" }).waitFor();
    const copied = await msp.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/^gatehouse-agent enroll --url http:\/\/127\.0\.0\.1:\d+ --token \S+$/);
    expect(copied).toBe(await msp.getByLabel("Enrollment command").textContent());
    await saveScreenshot(msp, "first-server-created");

    await agent.enroll(copied);
    agent.start();
    await msp.getByRole("link", { name: "Fleet", exact: true }).click();
    const row = serverRow(msp, "pbx-first");
    await row.getByText("online", { exact: true }).waitFor({ timeout: 30_000 });
    await row.getByText("in sync").waitFor({ timeout: 30_000 });
    await showsText(row, "no admin address");
    await saveScreenshot(msp, "first-server-online");
    const { servers } = await web.cp.admin.servers.list.query({});
    expect(servers.map((s) => [s.name, s.tenantName, s.status, s.online])).toEqual([["pbx-first", "Acme Dental", "enrolled", true]]);
    serverId = servers[0]!.id;
  });

  it("every setting is edited on the server's page; a bad LAN range is refused at its field and changes nothing", async () => {
    await serverRow(msp, "pbx-first").getByRole("link", { name: "pbx-first" }).click();
    await msp.getByRole("heading", { name: "pbx-first", level: 1 }).waitFor();
    await showsText(msp.getByTestId("no-admin-address").first(), "This server has no primary admin address.");
    const settings = msp.getByRole("form", { name: "Server settings" });
    const before = await web.cp.admin.servers.get.query({ serverId });

    await settings.getByLabel("LAN ranges").fill("192.168.50.0/24\n8.8.8.0/24");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await showsText(msp.locator("#settings-lan-error"), "8.8.8.0/24 is a public range");
    expect(await settings.getByLabel("LAN ranges").getAttribute("aria-invalid")).toBe("true");
    expect((await web.cp.admin.servers.get.query({ serverId })).revision).toBe(before.revision);

    await settings.getByLabel("Name", { exact: true }).fill("pbx-nyc-1");
    await settings.getByLabel("Region").fill("nyc3");
    await settings.getByLabel("Groups (tags)").fill("nyc east");
    await settings.getByLabel("Primary admin address").fill("203.0.113.10");
    await settings.getByLabel("LAN ranges").fill("192.168.50.0/24");
    await settings.getByLabel("Only allowed sources").check();
    await settings.getByRole("button", { name: "Save settings" }).click();
    await showsText(settings.getByRole("status"), "the agent applies them at once");
    await hasCount(msp.getByTestId("no-admin-address"), 0);
    await hasCount(msp.getByTestId("default-lan-ranges"), 0);

    const after = await web.cp.admin.servers.get.query({ serverId });
    expect(after).toMatchObject({ name: "pbx-nyc-1", region: "nyc3", tags: ["east", "nyc"], primaryAdminSource: "203.0.113.10", lanRanges: ["192.168.50.0/24"], mediaOpenToAll: false, revision: before.revision + 1 });
    const ruleset = msp.getByTestId("effective-ruleset");
    await showsText(ruleset, "203.0.113.10");
    await showsText(ruleset, "192.168.50.0/24");
    await msp.getByRole("heading", { name: "pbx-nyc-1", level: 1 }).waitFor();
    await saveScreenshot(msp, "server-settings-saved");
    // The running agent takes the new revision.
    await expect.poll(async () => (await web.cp.admin.servers.get.query({ serverId })).appliedRevision, { timeout: 30_000 }).toBe(after.revision);
  });

  it("the Tenants page creates and renames a tenant, and a tenant with a server cannot be deleted", async () => {
    await msp.getByRole("link", { name: "Tenants" }).click();
    await msp.getByRole("heading", { name: "Tenants", level: 1 }).waitFor();
    await msp.getByLabel("Tenant name").fill("Bravo Logistics");
    await msp.getByRole("button", { name: "Create tenant" }).click();
    await tenantRow(msp, "Bravo Logistics").waitFor();
    await msp.getByLabel("Tenant name").fill("acme dental");
    await msp.getByRole("button", { name: "Create tenant" }).click();
    await showsText(msp.locator("#new-tenant-name-error"), "a tenant named Acme Dental already exists");

    await tenantRow(msp, "Bravo Logistics").getByRole("button", { name: "Rename Bravo Logistics" }).click();
    await msp.getByLabel("New name").fill("Bravo Freight");
    await msp.getByRole("button", { name: "Save name" }).click();
    await tenantRow(msp, "Bravo Freight").waitFor();
    await hasCount(tenantRow(msp, "Bravo Logistics"), 0);

    await tenantRow(msp, "Acme Dental").getByRole("button", { name: "Delete Acme Dental" }).click();
    const panel = msp.getByRole("region", { name: "Delete Acme Dental" });
    await showsText(panel, "Acme Dental still has 1 server.");
    await hasCount(panel.getByRole("button", { name: /^Delete tenant/ }), 0);
    await saveScreenshot(msp, "tenant-delete-refused");
    await panel.getByRole("button", { name: "Close" }).click();
  });

  it("a tenant's deletion lists what goes with it and waits for its name to be typed", async () => {
    const bravo = (await web.cp.admin.tenants.list.query({})).tenants.find((tenant) => tenant.name === "Bravo Freight")!;
    await web.cp.admin.entries.add.mutate({ source: "198.51.100.0/24", services: ["all"], scope: { kind: "TENANT", tenantId: bravo.id } });
    await web.cp.admin.operators.create.mutate({ email: "it@bravo.example", name: "Bravo IT", password: PASSWORD, role: "TENANT_ADMIN", tenantId: bravo.id });
    await msp.reload();
    await tenantRow(msp, "Bravo Freight").getByRole("button", { name: "Delete Bravo Freight" }).click();
    const panel = msp.getByRole("region", { name: "Delete Bravo Freight" });
    const list = panel.getByTestId("deleted-with-tenant");
    await showsText(list, "1 operator (they can no longer sign in");
    await showsText(list, "1 allowlist entry");
    const confirm = panel.getByRole("button", { name: "Delete tenant Bravo Freight" });
    expect(await confirm.isDisabled()).toBe(true);
    await panel.getByLabel("Type Bravo Freight to confirm").fill("bravo freight");
    expect(await confirm.isDisabled()).toBe(true);
    await saveScreenshot(msp, "tenant-delete-confirm");
    await panel.getByLabel("Type Bravo Freight to confirm").fill("Bravo Freight");
    await confirm.click();
    await hasCount(tenantRow(msp, "Bravo Freight"), 0);
    expect((await web.cp.admin.tenants.list.query({})).tenants.map((tenant) => tenant.name)).toEqual(["Acme Dental"]);
  });

  it("a tenant admin sees their tenant without tenant controls; a viewer gets no server controls", async () => {
    const acme = (await web.cp.admin.tenants.list.query({})).tenants[0]!;
    await web.cp.admin.operators.create.mutate({ email: "it@acme.example", name: "Acme IT", password: PASSWORD, role: "TENANT_ADMIN", tenantId: acme.id });
    await web.cp.admin.operators.create.mutate({ email: "look@acme.example", name: "Acme viewer", password: PASSWORD, role: "VIEWER", tenantId: acme.id });
    const tenantAdmin = await signedIn({ email: "it@acme.example", password: PASSWORD });
    await tenantAdmin.getByRole("link", { name: "Tenants" }).click();
    await tenantRow(tenantAdmin, "Acme Dental").waitFor();
    await hasCount(tenantAdmin.getByRole("form", { name: "New tenant" }), 0);
    await hasCount(tenantAdmin.getByRole("button", { name: /^(Rename|Delete) / }), 0);
    await saveScreenshot(tenantAdmin, "tenant-admin-tenants");
    // Their own server's settings are theirs to edit.
    await tenantAdmin.goto(`${web.cp.url}/#/servers/${serverId}`);
    await tenantAdmin.getByRole("form", { name: "Server settings" }).waitFor();

    const viewer = await signedIn({ email: "look@acme.example", password: PASSWORD });
    await viewer.goto(`${web.cp.url}/#/servers/${serverId}`);
    await viewer.getByRole("heading", { name: "pbx-nyc-1", level: 1 }).waitFor();
    await viewer.getByTestId("effective-ruleset").waitFor();
    await hasCount(viewer.getByRole("form", { name: "Server settings" }), 0);
    await hasCount(viewer.getByRole("button", { name: /Revoke|Delete|enrollment/ }), 0);
  });

  it("every page of tenants and servers fits a phone-width screen", async () => {
    const phone = await signedIn(MSP_ADMIN, { viewport: PHONE });
    const pages = [["tenants", "#/tenants"], ["new-server", "#/servers/new"], ["server-settings", `#/servers/${serverId}`]] as const;
    await expectPagesFit(phone, web.cp.url, pages, "phone-");
  });

  it("revoking asks first, says the agent keeps its last rules, and cuts the agent off", async () => {
    await msp.goto(`${web.cp.url}/#/servers/${serverId}`);
    const retire = msp.getByRole("region", { name: "Revoke or delete" });
    await retire.getByRole("button", { name: "Revoke…" }).click();
    await showsText(retire, "keeps the last rules it applied");
    await saveScreenshot(msp, "server-revoke-confirm");
    await retire.getByRole("button", { name: "Revoke pbx-nyc-1" }).click();
    await showsText(retire, "Revoked.");
    await showsText(msp.getByRole("region", { name: "Server", exact: true }), "revoked");
    const revoked = await web.cp.admin.servers.get.query({ serverId });
    expect([revoked.status, revoked.online]).toEqual(["revoked", false]);
    await showsText(msp.getByRole("region", { name: "Enrollment", exact: true }), "A new enrollment command enrolls it again");
  });

  it("deleting asks first with what goes with the server, then returns to an empty fleet", async () => {
    await web.cp.admin.entries.add.mutate({ source: "192.0.2.10", services: ["all"], scope: { kind: "SERVER", serverId } });
    await msp.reload();
    const retire = msp.getByRole("region", { name: "Revoke or delete" });
    await retire.getByRole("button", { name: "Delete…" }).click();
    await showsText(retire.getByTestId("deleted-with-server"), "1 entry of its own and 0 preset switches");
    await saveScreenshot(msp, "server-delete-confirm");
    await retire.getByRole("button", { name: "Delete pbx-nyc-1" }).click();
    await msp.getByRole("heading", { name: "Fleet", level: 1 }).waitFor();
    await hasCount(serverRow(msp, "pbx-nyc-1"), 0);
    expect((await web.cp.admin.servers.list.query({})).servers).toEqual([]);
    expect((await web.cp.admin.entries.list.query({ source: "192.0.2.10" })).entries).toEqual([]);
  });
});
