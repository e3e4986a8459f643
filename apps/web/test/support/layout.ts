// What an operator on a phone notices first: a page wider than the screen, to scroll sideways.
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { saveScreenshot } from "./browser.ts";

/** How many pixels the document is wider than the window (0: no sideways scrolling). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * Opens each [name, hash address] of the console at `url` and expects it to fit the page's
 * width once loaded; saves a screenshot of each as `${screenshotPrefix}${name}`.
 */
export async function expectPagesFit(page: Page, url: string, pages: readonly (readonly [string, string])[], screenshotPrefix: string): Promise<void> {
  for (const [name, hash] of pages) {
    await page.goto(`${url}/${hash}`);
    await page.locator("main h1").waitFor();
    await page.waitForLoadState("networkidle");
    const overflow = await sidewaysOverflow(page);
    expect({ page: name, overflow }).toEqual({ page: name, overflow: 0 });
    await saveScreenshot(page, `${screenshotPrefix}${name}`);
  }
}
