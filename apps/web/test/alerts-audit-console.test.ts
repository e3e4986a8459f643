// Alerts and the audit log in a real browser (Debian's Chromium) against a real control plane:
// an MSP admin adds an e-mail rule (a webhook to loopback is refused at its field first), sends a
// test alert and sees it delivered, adds a webhook rule and gets its secret once; the audit log
// says what happened in words, shows an update as a diff and downloads as CSV with a formula
// defused; a tenant admin cannot choose the whole fleet; a webhook made in the console reaches a
// real HTTP listener, signed with the secret the page showed once.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "@gatehouse/control-plane/testing";
import { requireCapability } from "@gatehouse/testkit/capability";
import { chromiumCapability, saveScreenshot } from "./support/browser.ts";
import { useConsoleBrowser } from "./support/consoleBrowser.ts";
import { BRAVO_ADMIN, MSP_ADMIN, startConsoleUnderTest } from "./support/consolePlane.ts";
import { showsText } from "./support/polling.ts";

const runs = requireCapability("web console in Chromium", chromiumCapability());

describe.skipIf(!runs)("alerts and the audit log in the console", () => {
  // The audit log's CSV is a download.
  const web = useConsoleBrowser(startConsoleUnderTest, { acceptDialogs: true, context: { acceptDownloads: true } });
  const { signedIn } = web;
  let msp: Page;

  it("an MSP admin adds an e-mail rule, a loopback webhook refused first, and a test alert is delivered", async () => {
    msp = await signedIn(MSP_ADMIN);
    await msp.getByRole("link", { name: "Alerts" }).click();
    await msp.getByRole("heading", { name: "Alerts", level: 1 }).waitFor();
    const form = msp.getByRole("form", { name: "New alert rule" });
    await form.getByLabel("Rule name").fill("NOC mail");
    await form.getByLabel("Firewall drift repaired").check();
    await form.getByLabel("Webhook (Slack-compatible, signed)").check();
    await form.getByLabel("Webhook URL").fill("https://127.0.0.1/hook");
    await form.getByRole("button", { name: "Add rule" }).click();
    await showsText(form.getByRole("alert"), "loopback");
    expect(await web.cp.admin.alerts.list.query({})).toEqual([]);

    await form.getByLabel("E-mail", { exact: true }).check();
    await form.getByLabel("E-mail address").fill("noc@example.net");
    await form.getByRole("button", { name: "Add rule" }).click();
    const rules = msp.getByRole("table", { name: "Alert rules" });
    await showsText(rules.locator("tbody tr").first(), "noc@example.net");
    await showsText(rules.locator("tbody tr").first(), "Whole fleet");
    await rules.getByRole("button", { name: "Send test" }).click();
    await showsText(msp.getByRole("table", { name: "Recent alert deliveries" }).locator("tbody tr").first(), "delivered");
  });

  it("a webhook rule's signing secret is shown once, and its URL only in part", async () => {
    const form = msp.getByRole("form", { name: "New alert rule" });
    await form.getByLabel("Rule name").fill("NOC Slack");
    await form.getByLabel("For").selectOption({ label: "Acme Dental" });
    await form.getByLabel("Webhook (Slack-compatible, signed)").check();
    await form.getByLabel("Webhook URL").fill("https://hooks.example.net/services/T000/B000/XXXXSECRET");
    await form.getByRole("button", { name: "Add rule" }).click();
    const secret = msp.getByLabel("Signing secret of alert rule NOC Slack");
    await showsText(secret, "whsec_");
    const rules = msp.getByRole("table", { name: "Alert rules" });
    await showsText(rules, "https://hooks.example.net/services/…");
    expect(await rules.textContent()).not.toContain("XXXXSECRET");
    await saveScreenshot(msp, "alerts");
    await msp.getByRole("button", { name: "Done" }).click();
    expect(await secret.count()).toBe(0);
  });

  it("the audit log says what happened, shows an update as a diff, and downloads as CSV", async () => {
    const { entries } = await web.cp.admin.entries.list.query({ source: "192.0.2.44" });
    await web.cp.admin.entries.update.mutate({ entryId: entries[0]?.id ?? "", comment: "Bravo warehouse, dock 2" });
    await web.cp.admin.tenants.create.mutate({ name: "=HYPERLINK(\"http://evil.example\")" });

    await msp.getByRole("link", { name: "Audit log" }).click();
    const table = msp.getByRole("table", { name: "Audit events" });
    await showsText(table, "allowed 192.0.2.44 for RTP, SIP on every server of Bravo Logistics");
    const updated = table.locator("tbody tr", { hasText: "entry.updated" }).first();
    await showsText(updated, "changed comment of 192.0.2.44 on every server of Bravo Logistics");
    await updated.getByText("1 field").click();
    const diff = updated.getByRole("table", { name: "Changed fields" });
    await showsText(diff.locator("del"), "Bravo warehouse");
    await showsText(diff.locator("ins"), "Bravo warehouse, dock 2");
    await saveScreenshot(msp, "audit-diff");

    const [download] = await Promise.all([msp.waitForEvent("download"), msp.getByRole("button", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^gatehouse-audit-.*\.csv$/);
    const csv = readFileSync(await download.path(), "utf8");
    expect(csv.split("\r\n")[0]).toBe('"at","actor","actor id","action","tenant","target type","target","target id","summary","changes","event id"');
    expect(csv).toContain("allowed 192.0.2.44 for RTP, SIP on every server of Bravo Logistics");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it("a tenant admin's rules are their tenant's: no whole-fleet choice, no MSP rules shown", async () => {
    const bravo = await signedIn(BRAVO_ADMIN);
    await bravo.getByRole("link", { name: "Alerts" }).click();
    const rules = bravo.getByRole("table", { name: "Alert rules" });
    await showsText(rules, "No alert rules yet");
    const choices = await bravo.getByRole("form", { name: "New alert rule" }).getByLabel("For").locator("option").allTextContents();
    expect(choices).not.toContain("Whole fleet (every tenant)");
  });
});

describe.skipIf(!runs)("an alert webhook made in the console, received by a real HTTP listener", () => {
  let receiver: WebhookReceiver;
  // Webhooks to loopback are refused unless the MSP allows private targets (the listener is here).
  const web = useConsoleBrowser(() => startConsoleUnderTest({ ALERT_WEBHOOK_ALLOW_PRIVATE: "true" }), { acceptDialogs: true });
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it("the test alert arrives as Slack-compatible JSON signed with the secret the page showed once", async () => {
    const msp = await web.signedIn(MSP_ADMIN);
    await msp.getByRole("link", { name: "Alerts" }).click();
    const form = msp.getByRole("form", { name: "New alert rule" });
    await form.getByLabel("Rule name").fill("NOC hook");
    await form.getByLabel("Firewall drift repaired").check();
    await form.getByLabel("Webhook (Slack-compatible, signed)").check();
    await form.getByLabel("Webhook URL").fill(receiver.url);
    await form.getByRole("button", { name: "Add rule" }).click();
    const shown = msp.getByLabel("Signing secret of alert rule NOC hook");
    await showsText(shown, "whsec_");
    const secret = /whsec_[A-Za-z0-9_-]+/.exec((await shown.textContent()) ?? "")?.[0] ?? "";
    await msp.getByRole("button", { name: "Done" }).click();

    await msp.getByRole("table", { name: "Alert rules" }).getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const [hook] = receiver.received;
    const timestamp = String(hook?.headers["x-gatehouse-timestamp"]);
    expect(hook?.headers["x-gatehouse-signature"]).toBe(`v1=${createHmac("sha256", secret).update(`${timestamp}.${hook?.body ?? ""}`).digest("hex")}`);
    expect(JSON.parse(hook?.body ?? "{}")).toMatchObject({ text: expect.any(String) });
    await showsText(msp.getByRole("table", { name: "Recent alert deliveries" }).locator("tbody tr").first(), "delivered");
  });
});
