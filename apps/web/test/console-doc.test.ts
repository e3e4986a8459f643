// docs/web-console.md as written, in a real browser: every page its table lists is opened at
// the address it gives, and every control it names in **bold** is found there (by its label, or
// as a button, link, heading, table, region, form or group of that name); every page of the
// console's main menu has a row. Renaming a control, moving a page or adding one to the menu
// without the doc fails here, so the doc and the console cannot drift apart.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { chromiumCapability } from "./support/browser.ts";
import { useConsoleBrowser } from "./support/consoleBrowser.ts";
import { MSP_ADMIN, startConsoleUnderTest } from "./support/consolePlane.ts";

const docPath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "web-console.md");

interface DocumentedPage {
  name: string;
  /** A hash address ("#/allowlist"), or null for the sign-in page (any address, signed out). */
  address: string | null;
  controls: string[];
}

/** The rows of the "## Pages" table: | page | address | what it does |. */
function documentedPages(markdown: string): DocumentedPage[] {
  const section = markdown.split(/^## Pages$/m)[1]?.split(/^## /m)[0] ?? "";
  const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| page ") && !line.startsWith("|---"));
  return rows.map((line) => {
    const [name = "", address = "", does = ""] = line.slice(2, -2).split(" | ");
    const hash = /`(#\/[^`]*)`/.exec(address)?.[1] ?? null;
    return { name: name.trim(), address: hash, controls: [...does.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1] ?? "") };
  });
}

const runs = requireCapability("web console in Chromium", chromiumCapability());

describe.skipIf(!runs)("docs/web-console.md, walked in the browser", () => {
  const pages = documentedPages(readFileSync(docPath, "utf8"));
  const web = useConsoleBrowser(startConsoleUnderTest);

  beforeAll(async () => {
    // The grant form is there once a tenant has a traveler (the doc describes a page in use).
    await web.cp.admin.travelers.create.mutate({ tenantId: web.cp.fleet.acme.id, name: "Doc Traveler", email: "doc@acme.example" });
  });

  /** How many elements carry `name` the way an operator (or a screen reader) finds them. */
  async function findings(page: Page, name: string): Promise<number> {
    const roles = ["button", "link", "heading", "table", "region", "form", "group", "search", "checkbox"] as const;
    const counts = await Promise.all([page.getByLabel(name, { exact: true }).count(), ...roles.map((role) => page.getByRole(role, { name, exact: true }).count())]);
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async function expectControls(page: Page, documented: DocumentedPage): Promise<void> {
    for (const control of documented.controls) {
      await expect.poll(() => findings(page, control), { timeout: 10_000, message: `${documented.name}: no control named "${control}"` }).toBeGreaterThan(0);
    }
  }

  it("the doc lists the console's pages, each with an address and controls to find", () => {
    expect(pages.map((p) => p.name)).toEqual(expect.arrayContaining(["Sign in", "Fleet", "Allowlist", "Travelers", "Audit log"]));
    for (const documented of pages) {
      expect({ page: documented.name, hasAddress: documented.address !== null || documented.name === "Sign in" }).toEqual({ page: documented.name, hasAddress: true });
    }
    expect(pages.flatMap((p) => p.controls).length).toBeGreaterThan(20);
  });

  it("the sign-in page has what the doc names", async () => {
    const page = await web.newPage();
    await page.goto(web.cp.url);
    const signIn = pages.find((p) => p.name === "Sign in");
    if (!signIn) throw new Error("docs/web-console.md has no Sign in row");
    await expectControls(page, signIn);
  });

  it("every page is at its documented address with every control the doc names, and every menu entry is documented", async () => {
    const page = await web.signedIn(MSP_ADMIN);

    const menu = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
    expect(menu.filter((entry) => !pages.some((p) => p.name === entry.trim()))).toEqual([]);

    for (const documented of pages.filter((p) => p.address !== null)) {
      const address = (documented.address ?? "").replace("<id>", web.cp.fleet.servers.nyc1);
      await page.goto(`${web.cp.url}/${address}`);
      const heading = page.locator("main h1");
      await heading.waitFor();
      expect({ page: documented.name, heading: await heading.textContent() }).not.toEqual({ page: documented.name, heading: "Nothing here" });
      await expectControls(page, documented);
    }
  });
});
