// One Chromium and one control plane for a describe block of console stories: built console,
// plane and browser started in beforeAll, every browser context, the browser and the plane
// closed in afterAll. Each page is a fresh profile (no cookies), so each sign-in is its own.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium } from "./browser.ts";
import { ensureWebBuilt } from "./webBuild.ts";

const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** What the fixture needs of a control plane: where the console is, and how to stop it. */
export interface ConsolePlane {
  url: string;
  stop(): Promise<void>;
}

interface Credentials {
  email: string;
  password: string;
}

export interface ConsoleBrowserOptions {
  /** Accept every confirm()/alert() (otherwise playwright dismisses them, or the test answers). */
  acceptDialogs?: boolean;
  /** Let pages read and write the clipboard on the console's origin. */
  clipboard?: boolean;
  /** Context options every page starts from (locale, time zone, ...). */
  context?: BrowserContextOptions;
}

/** Its functions may be destructured (they close over the fixture, not `this`). */
export interface ConsoleBrowser<P extends ConsolePlane> {
  readonly cp: P;
  /** A fresh browser profile, at a laptop's size unless `options.viewport` says otherwise. */
  newPage: (options?: BrowserContextOptions) => Promise<Page>;
  /** Signs in on the sign-in page at the console's address and waits for the fleet. */
  signIn: (page: Page, who: Credentials) => Promise<void>;
  /** A fresh page, signed in as `who`. */
  signedIn: (who: Credentials, options?: BrowserContextOptions) => Promise<Page>;
}

/** Call inside a describe: registers its own beforeAll/afterAll around the block's tests. */
export function useConsoleBrowser<P extends ConsolePlane>(startPlane: () => Promise<P>, options: ConsoleBrowserOptions = {}): ConsoleBrowser<P> {
  let cp: P | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    cp = await startPlane();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await cp?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the console's ${what} is not started (use it inside a test or hook)`);
    return value;
  };

  async function newPage(pageOptions: BrowserContextOptions = {}): Promise<Page> {
    const context = await started(browser, "browser").newContext({ viewport: LAPTOP, ...options.context, ...pageOptions });
    contexts.push(context);
    if (options.clipboard) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: started(cp, "control plane").url });
    const page = await context.newPage();
    if (options.acceptDialogs) page.on("dialog", (dialog) => void dialog.accept());
    return page;
  }

  async function signIn(page: Page, who: Credentials): Promise<void> {
    await page.goto(started(cp, "control plane").url);
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Fleet", level: 1 }).waitFor();
  }

  async function signedIn(who: Credentials, pageOptions?: BrowserContextOptions): Promise<Page> {
    const page = await newPage(pageOptions);
    await signIn(page, who);
    return page;
  }

  return {
    get cp() {
      return started(cp, "control plane");
    },
    newPage,
    signIn,
    signedIn,
  };
}
