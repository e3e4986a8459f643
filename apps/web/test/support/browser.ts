// Debian's Chromium driven by playwright-core (never `playwright install`: no downloads here).
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Capability } from "@gatehouse/testkit/capability";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function chromiumCapability(): Capability {
  if (!existsSync(chromiumPath)) {
    return { ok: false, reason: `no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)` };
  }
  return { ok: true, reason: "" };
}

/** A headless Chromium with a fresh temporary profile (playwright's launch() makes one). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

/** Screenshots for humans and CI artifacts: test-artifacts/screenshots/ at the repo root. */
const screenshotDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "test-artifacts", "screenshots");

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
