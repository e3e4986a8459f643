// Provider presets and custom services in a real browser (Debian's Chromium) against a real
// control plane: each shipped preset shows where its hosts come from; an MSP admin makes a preset
// of their own (a bad host refused under its field first), switches it on, edits it (the servers it
// is on for get a new revision) and deletes it; shipped presets cannot be edited. Custom services:
// the MSP adds one for the whole fleet, a tenant admin one for their tenant, and sees neither
// another tenant's services nor a way to delete the fleet's.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { chromiumCapability, saveScreenshot } from "./support/browser.ts";
import { PHONE, useConsoleBrowser } from "./support/consoleBrowser.ts";
import { BRAVO_ADMIN, MSP_ADMIN, startConsoleUnderTest } from "./support/consolePlane.ts";
import { expectPagesFit, sidewaysOverflow } from "./support/layout.ts";
import { hasCount, showsText } from "./support/polling.ts";

const runs = requireCapability("web console in Chromium", chromiumCapability());

describe.skipIf(!runs)("provider presets and custom services in the console", () => {
  // Deleting a custom service asks with confirm().
  const web = useConsoleBrowser(startConsoleUnderTest, { acceptDialogs: true, context: { viewport: { width: 1280, height: 900 } } });
  const { signedIn } = web;
  let msp: Page;

  const revisionOf = async (serverId: string) => (await web.cp.plane.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).revision;

  it("each shipped preset says where its hosts come from, and cannot be edited", async () => {
    msp = await signedIn(MSP_ADMIN);
    await msp.getByRole("link", { name: "Presets" }).click();
    const twilio = msp.locator('tr[data-preset="Twilio Elastic SIP Trunking"]');
    await showsText(twilio, "54.172.60.0/30 (published network)");
    await showsText(twilio, "2026-12");
    expect(await twilio.getByRole("link", { name: "Source: www.twilio.com" }).getAttribute("href")).toBe("https://www.twilio.com/docs/sip-trunking/ip-addresses");
    await showsText(msp.locator('tr[data-preset="CallCentric"]'), "srv:callcentric.com (SIP domain, followed through its SRV records)");
    await showsText(twilio, "Ships with Gatehouse");
    expect(await twilio.getByRole("button", { name: /^Edit/ }).count()).toBe(0);
  });

  it("an MSP admin makes a preset (a bad host refused under its field), switches it on, edits it and deletes it", async () => {
    await msp.getByRole("button", { name: "New preset" }).click();
    const form = msp.getByRole("form", { name: "New preset" });
    await form.getByLabel("Provider name").fill("Acme carrier");
    await form.getByLabel("Hosts", { exact: true }).fill("sip.carrier.example\n198.51.100.300");
    await form.getByLabel("Source page").fill("https://carrier.example/ips");
    await form.getByLabel("Source note").fill("the carrier's mail of 2026-11-30");
    await form.getByRole("button", { name: "Create preset" }).click();
    await showsText(form.getByRole("alert"), "host 2: 198.51.100.300 is not an IPv4 address");
    expect((await web.cp.admin.presets.list.query({})).some((preset) => preset.name === "Acme carrier")).toBe(false);

    await form.getByLabel("Hosts", { exact: true }).fill("sip.carrier.example\n198.51.100.0/28");
    await form.getByRole("button", { name: "Create preset" }).click();
    const row = msp.locator('tr[data-preset="Acme carrier"]');
    await showsText(row, "198.51.100.0/28 (published network)");
    await showsText(row, "the carrier's mail of 2026-11-30");
    await row.getByLabel("Switch Acme carrier on for one server").selectOption({ label: "pbx-nyc-1" });
    await row.getByRole("button", { name: "On", exact: true }).click();
    await showsText(row.getByRole("button", { name: "Switch Acme carrier off on pbx-nyc-1" }), "Off");
    await saveScreenshot(msp, "presets-own-and-sources");

    const before = await revisionOf(web.cp.fleet.servers.nyc1);
    const lax = await revisionOf(web.cp.fleet.servers.lax1);
    await row.getByRole("button", { name: "Edit Acme carrier" }).click();
    const edit = msp.getByRole("form", { name: "Edit Acme carrier" });
    await edit.getByLabel("Hosts", { exact: true }).fill("sip2.carrier.example");
    await edit.getByRole("button", { name: "Save preset" }).click();
    await showsText(row, "sip2.carrier.example (host name, resolved by the agents)");
    expect(await revisionOf(web.cp.fleet.servers.nyc1)).toBe(before + 1);
    expect(await revisionOf(web.cp.fleet.servers.lax1)).toBe(lax);

    await row.getByRole("button", { name: "Delete Acme carrier…" }).click();
    await row.getByRole("button", { name: "Delete Acme carrier", exact: true }).click();
    await hasCount(row, 0);
    expect(await revisionOf(web.cp.fleet.servers.nyc1)).toBe(before + 2);
  });

  it("custom services: the MSP adds one for the fleet; a tenant admin adds their own, sees no other tenant's and cannot delete the fleet's", async () => {
    await web.cp.admin.customServices.create.mutate({ id: "acme-fax", name: "Acme fax", protocol: "udp", portFrom: 9100, portTo: 9110, tenantId: web.cp.fleet.acme.id });
    await msp.getByRole("link", { name: "Services" }).click();
    const form = msp.getByRole("form", { name: "New custom service" });
    await form.getByLabel("Service id").fill("prov");
    await form.getByLabel("Service name").fill("Phone provisioning");
    await form.getByLabel("Protocol").selectOption("tcp");
    await form.getByLabel("First port").fill("8443");
    await form.getByLabel("For").selectOption({ label: "Whole fleet (every tenant)" });
    await form.getByRole("button", { name: "Add service" }).click();
    const table = msp.getByRole("table", { name: "Custom services" });
    await showsText(table.locator('tr[data-service="prov"]'), "TCP 8443");
    await showsText(table.locator('tr[data-service="prov"]'), "Whole fleet");
    await showsText(table.locator('tr[data-service="acme-fax"]'), "Acme Dental");

    const bravo = await signedIn(BRAVO_ADMIN);
    await bravo.getByRole("link", { name: "Services" }).click();
    const bravoForm = bravo.getByRole("form", { name: "New custom service" });
    expect(await bravoForm.getByLabel("For").count()).toBe(0);
    await bravoForm.getByLabel("Service id").fill("bravo-pager");
    await bravoForm.getByLabel("Service name").fill("Warehouse paging");
    await bravoForm.getByLabel("First port").fill("20000");
    await bravoForm.getByLabel("Last port").fill("10000");
    await bravoForm.getByRole("button", { name: "Add service" }).click();
    await showsText(bravoForm.getByRole("alert"), "the first port must not be above the last port");
    await bravoForm.getByLabel("First port").fill("5000");
    await bravoForm.getByLabel("Last port").fill("5010");
    await bravoForm.getByRole("button", { name: "Add service" }).click();
    const bravoTable = bravo.getByRole("table", { name: "Custom services" });
    await showsText(bravoTable.locator('tr[data-service="bravo-pager"]'), "UDP 5000-5010");
    await showsText(bravoTable.locator('tr[data-service="prov"]'), "Whole fleet");
    expect(await bravoTable.locator('tr[data-service="acme-fax"]').count()).toBe(0);
    expect(await bravoTable.locator('tr[data-service="prov"]').getByRole("button").count()).toBe(0);
    await saveScreenshot(bravo, "custom-services");
    const stored = await web.cp.plane.prisma.customService.findUniqueOrThrow({ where: { id: "bravo-pager" } });
    expect(stored).toMatchObject({ tenantId: web.cp.fleet.bravo.id, protocol: "udp", portFrom: 5000, portTo: 5010 });

    await bravoTable.locator('tr[data-service="bravo-pager"]').getByRole("button", { name: "Delete bravo-pager" }).click();
    await hasCount(bravoTable.locator('tr[data-service="bravo-pager"]'), 0);

    await bravo.getByRole("link", { name: "Presets" }).click();
    await showsText(bravo.locator('tr[data-preset="Telnyx"]'), "Telnyx");
    expect(await bravo.getByRole("button", { name: "New preset" }).count()).toBe(0);
  });

  it("both pages fit a phone-width screen, the preset form open too", async () => {
    const phone = await signedIn(MSP_ADMIN, { viewport: PHONE });
    await expectPagesFit(phone, web.cp.url, [["services", "#/services"], ["presets", "#/presets"]], "phone-");
    await phone.getByRole("button", { name: "New preset" }).click();
    await phone.getByRole("form", { name: "New preset" }).waitFor();
    expect(await sidewaysOverflow(phone)).toBe(0);
  });
});
