// A country entry added in the console, in a real browser against a real control plane whose geo
// database is a synthetic one (GEO_DATABASE_DIR) placing the browser's own address (127.0.0.1)
// in New Zealand and 198.51.100.0/24 in Canada: a country that covers the operator asks first
// (declined: nothing is written; accepted: the entry is added), one that does not is added at
// once, and both show the warning that country lists are never exact.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Dialog, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticGeoDatabase } from "@gatehouse/control-plane/testing";
import { requireCapability } from "@gatehouse/testkit/capability";
import { chromiumCapability, saveScreenshot } from "./support/browser.ts";
import { useConsoleBrowser } from "./support/consoleBrowser.ts";
import { MSP_ADMIN, startConsoleUnderTest } from "./support/consolePlane.ts";
import { showsText } from "./support/polling.ts";

const runs = requireCapability("web console in Chromium", chromiumCapability());

describe.skipIf(!runs)("a country entry in the allowlist form", () => {
  let geoDir = "";
  const web = useConsoleBrowser(async () => {
    geoDir = await mkdtemp(path.join(tmpdir(), "console-geo-"));
    await writeSyntheticGeoDatabase(geoDir, {
      version: "synthetic-console@1",
      country: [
        { from: "127.0.0.1", to: "127.0.0.1", country: "NZ" },
        { from: "198.51.100.0", to: "198.51.100.255", country: "CA" },
      ],
    });
    return startConsoleUnderTest({ GEO_DATABASE_DIR: geoDir });
  });
  let page: Page;

  beforeAll(async () => {
    page = await web.signedIn(MSP_ADMIN);
  });
  afterAll(async () => {
    if (geoDir) await rm(geoDir, { recursive: true, force: true });
  });

  const entriesOf = async (source: string) => (await web.cp.admin.entries.list.query({ source })).entries;

  async function fillCountry(source: string): Promise<ReturnType<Page["getByRole"]>> {
    await page.goto(`${web.cp.url}/#/allowlist`);
    await page.getByRole("heading", { name: "Allowlist", level: 1 }).waitFor();
    const form = page.getByRole("form", { name: "Allow a source" });
    await form.getByLabel("Address, CIDR or host name").fill(source);
    await form.getByLabel("Tenant").selectOption({ label: "Acme Dental" });
    await form.getByRole("button", { name: "SIP + RTP (voice)" }).click();
    return form;
  }

  it("asks before allowing a country that covers the operator's own address, and writes nothing when declined", async () => {
    const form = await fillCountry("country:nz");
    const asked: string[] = [];
    const decline = (dialog: Dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    };
    page.once("dialog", decline);
    await form.getByRole("button", { name: "Allow", exact: true }).click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain("country:NZ covers your own address (127.0.0.1)");
    expect(await entriesOf("country:NZ")).toEqual([]);

    page.once("dialog", (dialog) => void dialog.accept());
    await form.getByRole("button", { name: "Allow", exact: true }).click();
    await page.getByText("country:NZ is allowed.").waitFor();
    await page.getByText("country lists are never exact", { exact: false }).first().waitFor();
    expect((await entriesOf("country:NZ")).map((entry) => [entry.kind, entry.services])).toEqual([["country", ["rtp", "sip"]]]);
    // Marked as a country in the list, not as a host name.
    await showsText(page.getByRole("table", { name: "Allow entries" }).locator('tr[data-entry="country:NZ"] .badge'), "country");
    await saveScreenshot(page, "allowlist-country-warning");
  });

  it("allows a country that does not cover the operator without asking", async () => {
    const form = await fillCountry("country:CA");
    let asked = false;
    page.once("dialog", (dialog) => {
      asked = true;
      void dialog.dismiss();
    });
    await form.getByRole("button", { name: "Allow", exact: true }).click();
    await page.getByText("country:CA is allowed.").waitFor();
    expect(asked).toBe(false);
    page.removeAllListeners("dialog");
  });
});
