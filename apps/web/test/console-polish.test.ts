// What an operator walking the console in Chromium (laptop 1280x800 and phone 390x844) found
// wanting, each as a story in a real browser against a real control plane: compressed files
// and no public source maps, a title per page and a favicon, invalid fields visibly marked, an
// outage said in words (and the console coming back by itself), times with their zone, messages
// in operator words, the one-time PIN where the eye is, the phone side's truth on the Travelers
// page, a revoke that asks first and confirms after, and a fleet that searches, sorts and
// filters by its problems tile. Screenshots land in test-artifacts/screenshots/; the allowlist's
// also refreshes docs/screenshots/allowlist.png for the README.
import { copyFileSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { get, type IncomingHttpHeaders } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync } from "node:zlib";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { AgentOnTestHost } from "./support/agentProcess.ts";
import { chromiumCapability, saveScreenshot } from "./support/browser.ts";
import { PHONE, useConsoleBrowser } from "./support/consoleBrowser.ts";
import { expectPagesFit } from "./support/layout.ts";
import { MSP_ADMIN, startConsoleUnderTest } from "./support/consolePlane.ts";
import { hasCount, showsText } from "./support/polling.ts";
import { distDir } from "./support/webBuild.ts";

/** The console polls and re-renders; on a busy 2-core CI machine that can take a while. */
const WAIT = 15_000;
const POLL = { timeout: WAIT };

const runs = requireCapability("web console in Chromium", chromiumCapability());
const readmeScreenshots = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "screenshots");

/** The bytes as they travel (fetch would decode them). */
function rawGet(url: string, acceptEncoding?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
  });
}

describe.skipIf(!runs)("the console, polished", () => {
  const web = useConsoleBrowser(startConsoleUnderTest, { context: { locale: "en-US", timezoneId: "UTC" } });
  const { newPage } = web;
  const signedIn = (options?: Parameters<typeof newPage>[0]) => web.signedIn(MSP_ADMIN, options);
  const agent = new AgentOnTestHost();

  beforeAll(async () => {
    // An enrolled server whose agent never connects: offline, so the fleet has one problem.
    const created = await web.cp.admin.servers.create.mutate({ tenantId: web.cp.fleet.acme.id, name: "pbx-sfo-1", provider: "vultr", tags: ["sfo"] });
    await agent.enroll(created.enrollment.command);
  });
  afterAll(() => agent.stop());

  const serverRows = (page: Page) => page.getByRole("table", { name: "Servers" }).locator("tbody tr[data-server]");

  it("the console's files come brotli-compressed, no source map is built or served, and the favicon is there", async () => {
    expect(readdirSync(join(distDir, "assets")).filter((name) => name.endsWith(".map"))).toEqual([]);
    // The main bundle, the largest script (lazy chunks under 512 bytes are not precompressed).
    const script = readdirSync(join(distDir, "assets"))
      .filter((name) => name.endsWith(".js"))
      .sort((a, b) => statSync(join(distDir, "assets", b)).size - statSync(join(distDir, "assets", a)).size)[0];
    if (!script) throw new Error("the build has no script");
    const answer = await rawGet(`${web.cp.url}/assets/${script}`, "br, gzip");
    expect(answer.headers["content-encoding"]).toBe("br");
    expect(answer.headers.vary).toBe("accept-encoding");
    expect(answer.body.length).toBeLessThan(brotliDecompressSync(answer.body).length / 2);
    expect((await rawGet(`${web.cp.url}/assets/${script}.map`)).status).toBe(404);

    const page = await newPage();
    const favicon = await page.goto(`${web.cp.url}/favicon.svg`);
    expect(favicon?.status()).toBe(200);
    expect(favicon?.headers()["content-type"]).toBe("image/svg+xml");
  });

  it("each page has its own title", async () => {
    const page = await newPage();
    await page.goto(web.cp.url);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.title()).toBe("Sign in · Gatehouse");
    await page.getByLabel("Email").fill(MSP_ADMIN.email);
    await page.getByLabel("Password").fill(MSP_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.title(), POLL).toBe("Fleet · Gatehouse");
    for (const [link, title] of [["Allowlist", "Allowlist"], ["Travelers", "Travelers"], ["Audit log", "Audit log"], ["Presets", "Provider presets"]] as const) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link, exact: true }).click();
      await expect.poll(() => page.title(), POLL).toBe(`${title} · Gatehouse`);
    }
    await page.goto(`${web.cp.url}/#/servers/${web.cp.fleet.servers.nyc1}`);
    await expect.poll(() => page.title(), POLL).toBe("pbx-nyc-1 · Gatehouse");
  });

  it("a refused field is visibly marked: its border turns red, and messages speak the operator's words", async () => {
    const page = await signedIn();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Allowlist" }).click();
    const form = page.getByRole("form", { name: "Allow a source" });
    const source = form.getByLabel("Address, CIDR or host name");
    const comment = form.getByLabel("Comment");
    const border = (field: Locator) => field.evaluate((el) => getComputedStyle(el).borderTopColor);
    const untouched = await border(source);

    await source.fill("198.51.100.7;reboot");
    await form.getByRole("checkbox", { name: /^SIP \(/ }).check();
    await form.getByLabel("Scope").selectOption("SERVER");
    await form.getByLabel("Server").selectOption({ label: "pbx-nyc-1 (Acme Dental)" });
    await form.getByRole("button", { name: "Allow", exact: true }).click();
    await showsText(page.locator("#entry-source-error"), '";" cannot appear in an IP address, CIDR range or host name', WAIT);
    expect(await source.getAttribute("aria-invalid")).toBe("true");
    expect(await border(source)).toBe("rgb(180, 35, 24)");
    expect(untouched).not.toBe("rgb(180, 35, 24)");
    await saveScreenshot(page, "polish-invalid-field");

    await source.fill("198.51.100.8");
    await comment.fill("x".repeat(501));
    await form.getByRole("button", { name: "Allow", exact: true }).click();
    await showsText(form, "Comment is too long: at most 500 characters", WAIT);
    expect(await border(comment)).toBe("rgb(180, 35, 24)");
    expect(await border(source)).toBe(untouched);

    // The tenant's own entry, again: refused without the existing entry's id in the words.
    await source.fill("198.51.100.0/24");
    await comment.fill("");
    await form.getByLabel("Scope").selectOption("TENANT");
    await form.getByLabel("Tenant").selectOption({ label: "Acme Dental" });
    await form.getByRole("button", { name: "Allow", exact: true }).click();
    await showsText(form, "already allowed", WAIT);
    expect(await form.textContent()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it("an outage says the control plane is unreachable instead of \"Failed to fetch\", and the console comes back by itself", async () => {
    const page = await signedIn();
    await serverRows(page).first().waitFor();
    await page.route("**/trpc/**", (route) => route.abort("connectionrefused"));
    const alert = page.getByRole("alert");
    await showsText(alert, "The control plane is unreachable", 20_000);
    expect(await page.locator("body").textContent()).not.toContain("Failed to fetch");
    await saveScreenshot(page, "polish-unreachable");
    await page.unroute("**/trpc/**");
    await hasCount(page.getByText("The control plane is unreachable"), 0, WAIT);

    // A page that does not poll by itself (Presets) asks again too, and loads once it answers.
    await page.route("**/trpc/**", (route) => route.abort("connectionrefused"));
    await page.goto(`${web.cp.url}/#/presets`);
    await page.reload();
    await showsText(page.getByRole("alert"), "The control plane is unreachable", 20_000);
    await page.unroute("**/trpc/**");
    await page.getByRole("heading", { name: "Provider presets", level: 1 }).waitFor({ timeout: 20_000 });
  });

  it("times show the browser's zone beside the relative time", async () => {
    const page = await signedIn({ timezoneId: "America/New_York" });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    const when = page.getByRole("table", { name: "Audit events" }).locator("tbody tr time").first();
    await when.waitFor();
    const text = (await when.textContent()) ?? "";
    expect(text).toMatch(/^(just now|\d+ (s|min|h|d) ago) \((\w{3} \d{1,2}, )?\d{2}:\d{2} [AP]M E[SD]T\)$/);
    expect(await when.getAttribute("datetime")).toMatch(/Z$/);
  });

  it("the fleet searches by name, sorts by name, last seen and problems, and its problems tile filters the table", async () => {
    const page = await signedIn();
    await hasCount(serverRows(page), 4, WAIT);
    const names = () => serverRows(page).evaluateAll((rows) => rows.map((row) => row.getAttribute("data-server")));
    expect(await names()).toEqual(["pbx-bravo-1", "pbx-lax-1", "pbx-nyc-1", "pbx-sfo-1"]);

    await page.getByLabel("Search by name").fill("NYC");
    await expect.poll(names, POLL).toEqual(["pbx-nyc-1"]);
    await page.getByLabel("Search by name").fill("");

    await page.getByLabel("Sort by").selectOption({ label: "Problems (most first)" });
    await expect.poll(async () => (await names())[0], POLL).toBe("pbx-sfo-1");
    await page.getByLabel("Sort by").selectOption({ label: "Name" });

    const tile = page.getByTestId("problem-count");
    await showsText(tile, "1 server with problems", WAIT);
    expect(await tile.getAttribute("aria-pressed")).toBe("false");
    await tile.click();
    await expect.poll(names, POLL).toEqual(["pbx-sfo-1"]);
    expect(await tile.getAttribute("aria-pressed")).toBe("true");
    expect(await page.getByLabel("Status").inputValue()).toBe("problems");
    await saveScreenshot(page, "polish-fleet-problems");
    await tile.click();
    await hasCount(serverRows(page), 4, WAIT);
  });

  it("the Travelers page says the phone side is off: no number, no IVR (and how to turn it on), mail only to the outbox", async () => {
    const page = await signedIn();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Travelers" }).click();
    const phone = page.getByRole("region", { name: "Phone line" });
    await showsText(phone, "IVR", WAIT);
    const text = (await phone.textContent()) ?? "";
    expect(text).toContain("TRAVELER_DID");
    expect(text).toMatch(/off.*Calls get no answer.*AGI_SECRET/);
    expect(text).toContain("written to the outbox, not sent");
  });

  it("a new traveler's PIN appears beside the button, in view and focused, until Done; a grant's revoke asks first and confirms after", async () => {
    const page = await signedIn();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Travelers" }).click();
    await page.getByLabel("Tenant").selectOption({ label: "Acme Dental" });
    await page.getByLabel("Name", { exact: true }).fill("Pat Polish");
    await page.getByLabel("Email").fill("pat@acme.example");
    const create = page.getByRole("button", { name: "Create traveler" });
    await create.click();
    const pinBox = page.getByRole("group", { name: "Shown once: Pat Polish's new PIN" });
    await pinBox.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")), POLL).toBe("Shown once: Pat Polish's new PIN");
    const box = await pinBox.boundingBox();
    const button = await create.boundingBox();
    if (!box || !button) throw new Error("PIN or button not laid out");
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    expect(Math.abs(box.y - (button.y + button.height))).toBeLessThan(200); // right under the button
    await saveScreenshot(page, "polish-traveler-pin");
    const account = (await page.getByLabel("Account number of Pat Polish").textContent()) ?? "";

    // Still there after the operator does something else on the page.
    await page.getByLabel("Public IP address").fill("203.0.113.61");
    await page.getByLabel("Traveler", { exact: true }).selectOption({ label: `Pat Polish (${account})` });
    await page.getByRole("button", { name: "Grant", exact: true }).click();
    const grant = page.getByRole("table", { name: "Active grants" }).locator('tr[data-grant="203.0.113.61"]');
    await grant.waitFor();
    await pinBox.waitFor();
    await page.getByRole("button", { name: "Done" }).click();
    await hasCount(pinBox, 0, WAIT);

    // Revoke: the first time the operator thinks better of it, the second time they mean it.
    const asked: string[] = [];
    let answer = false;
    page.on("dialog", (dialog) => {
      asked.push(dialog.message());
      void (answer ? dialog.accept() : dialog.dismiss());
    });
    const revoke = grant.getByRole("button", { name: "Revoke 203.0.113.61 of Pat Polish" });
    await revoke.click();
    await expect.poll(() => asked.length, POLL).toBe(1);
    expect(asked[0]).toContain("Revoke 203.0.113.61 of Pat Polish?");
    await hasCount(grant, 1, WAIT);
    expect((await web.cp.admin.travelers.grants.query({ tenantId: web.cp.fleet.acme.id })).grants.map((g) => g.address)).toContain("203.0.113.61");
    answer = true;
    await revoke.click();
    await hasCount(grant, 0, WAIT);
    await showsText(page.getByRole("status").filter({ hasText: "revoked" }), "203.0.113.61 of Pat Polish is revoked", WAIT);
  });

  it("the pages touched here fit a phone without sideways scrolling, and the allowlist's screenshot refreshes the README's", async () => {
    const phone = await signedIn({ viewport: PHONE });
    await expectPagesFit(phone, web.cp.url, [["fleet", "#/"], ["allowlist", "#/allowlist"], ["travelers", "#/travelers"]], "polish-phone-");
    const laptop = await signedIn();
    await laptop.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Allowlist" }).click();
    await laptop.getByRole("table", { name: "Allow entries" }).locator("tbody tr").first().waitFor();
    mkdirSync(readmeScreenshots, { recursive: true });
    copyFileSync(await saveScreenshot(laptop, "allowlist-page"), join(readmeScreenshots, "allowlist.png"));
  });
});
