// Waiting on what the console shows: it polls the control plane and re-renders, so a test
// asks again until the page agrees or the timeout (longer on a busy 2-core machine) runs out.
import type { Locator } from "playwright-core";
import { expect } from "vitest";

/** Waits until the first element's text contains `text` (or matches it). */
export async function showsText(locator: Locator, text: string | RegExp, timeout = 10_000): Promise<void> {
  const read = async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? "") : "");
  if (typeof text === "string") await expect.poll(read, { timeout }).toContain(text);
  else await expect.poll(read, { timeout }).toMatch(text);
}

/** Waits until exactly `count` elements match (0: until it is gone). */
export async function hasCount(locator: Locator, count: number, timeout = 10_000): Promise<void> {
  await expect.poll(() => locator.count(), { timeout }).toBe(count);
}
