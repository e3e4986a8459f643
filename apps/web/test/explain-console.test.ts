// "Explain an address" on a server's page, in Chromium against a real control plane: the entry
// that allows an address is named with its comment, scope and end; an address nothing allows is
// said to be dropped by the base policy; the agent offline is said in words; and what is not one
// address is refused beside the field, with the parser's words.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { chromiumCapability, launchChromium, saveScreenshot } from "./support/browser.ts";
import { MSP_ADMIN, startConsoleUnderTest, type ConsoleUnderTest } from "./support/consolePlane.ts";
import { ensureWebBuilt } from "./support/webBuild.ts";

const WAIT = { timeout: 15_000 };
const runs = requireCapability("web console in Chromium", chromiumCapability());

describe.skipIf(!runs)("explaining an address on a server's page", () => {
  let cp: ConsoleUnderTest;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    cp = await startConsoleUnderTest();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US", timezoneId: "UTC" });
    page = await context.newPage();
    await page.goto(cp.url);
    await page.getByLabel("Email").fill(MSP_ADMIN.email);
    await page.getByLabel("Password").fill(MSP_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Fleet", level: 1 }).waitFor(WAIT);
    await page.goto(`${cp.url}/#/servers/${cp.fleet.servers.nyc1}`);
    await page.getByRole("heading", { name: "Explain an address" }).waitFor(WAIT);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await cp?.stop();
  });

  const form = () => page.getByRole("form", { name: "Explain an address" });
  async function explain(address: string): Promise<void> {
    await form().getByLabel("Address").fill(address);
    await form().getByRole("button", { name: "Explain" }).click();
  }

  it("names the tenant entry that allows an address inside its range, and says the agent is offline", async () => {
    await explain("198.51.100.20");
    const table = page.getByRole("table", { name: "What allows 198.51.100.20" });
    await table.waitFor(WAIT);
    await expect.poll(() => table.textContent(), WAIT).toContain("Entry 198.51.100.0/24 “Acme head office” (tenant), without end");
    expect(await page.getByTestId("explanation").textContent()).toContain("Agent offline: live sets not checked.");
    await saveScreenshot(page, "explain-address");
  });

  it("an address nothing allows is said to be dropped by the base policy", async () => {
    await explain("203.0.113.99");
    await page.getByRole("table", { name: "What allows 203.0.113.99" }).waitFor(WAIT);
    expect(await page.getByTestId("explanation").textContent()).toContain("Nothing allows 203.0.113.99: the base policy drops it, silently.");
  });

  it("a CIDR is refused beside the field with the parser's words", async () => {
    await explain("203.0.113.0/24");
    const alert = form().getByRole("alert");
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toMatch(/203\.0\.113\.0\/24 is not an IP address/);
    expect(await form().getByLabel("Address").getAttribute("aria-invalid")).toBe("true");
  });
});
