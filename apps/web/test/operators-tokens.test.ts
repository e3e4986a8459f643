// Operators, passwords and API tokens in the console, in a real browser (Chromium) against a real
// control plane whose mail goes to a real SMTP server: an MSP admin invites a tenant admin, the
// invitation arrives by mail, its link is opened and used once, the new operator signs in with
// the role given, changes their password, creates an API token (shown once), uses it against the
// API and revokes it. A viewer sees no management controls. Screenshots go to
// test-artifacts/screenshots/.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { requireCapability } from "@gatehouse/testkit/capability";
import { startTestSmtpServer, startUnderTest, TestClock, type PlaneUnderTest, type TestSmtpServer } from "@gatehouse/control-plane/testing";
import { chromiumCapability, saveScreenshot } from "./support/browser.ts";
import { useConsoleBrowser } from "./support/consoleBrowser.ts";
import { distDir } from "./support/webBuild.ts";

const MSP_ADMIN = { email: "msp@example.net", password: "correct horse battery staple" };
const NADIA = { email: "nadia@acme.example", first: "nadia's first passphrase", second: "nadia's second passphrase" };
const VIEWER = { email: "vic@acme.example", password: "vic the viewer's passphrase" };

const runs = requireCapability("web console in Chromium", chromiumCapability());

/** A control plane whose mail goes to a real SMTP server, with two tenants and a viewer. */
async function startMailingPlane(): Promise<{ url: string; test: PlaneUnderTest; smtp: TestSmtpServer; stop(): Promise<void> }> {
  const smtp = await startTestSmtpServer();
  let test: PlaneUnderTest | undefined;
  const stop = async () => {
    try {
      await test?.stop();
    } finally {
      await smtp.close();
    }
  };
  try {
    test = await startUnderTest(undefined, { env: { SMTP_URL: smtp.url }, travelers: { mailRetry: { attempts: 1, firstDelayMs: 1 } }, mspAdmin: MSP_ADMIN, webDistDir: distDir, clock: TestClock.wall() });
    const acme = await test.admin.tenants.create.mutate({ name: "Acme Dental" });
    await test.admin.tenants.create.mutate({ name: "Bravo Logistics" });
    await test.admin.operators.create.mutate({ email: VIEWER.email, name: "Vic Viewer", password: VIEWER.password, role: "VIEWER", tenantId: acme.id });
    return { url: test.plane.url, test, smtp, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

describe.skipIf(!runs)("operators, passwords and API tokens in the console", () => {
  const web = useConsoleBrowser(startMailingPlane, { acceptDialogs: true });
  const { newPage, signedIn } = web;

  const operatorRow = (page: Page, email: string) => page.getByRole("table", { name: "Operators" }).locator(`tr[data-operator="${email}"]`);

  let inviteLink: string;
  let nadia: Page;

  it("an MSP admin invites a tenant admin by e-mail, and the invitation arrives with a link", async () => {
    const msp = await signedIn(MSP_ADMIN);
    await msp.getByRole("link", { name: "Operators", exact: true }).click();
    await msp.getByRole("heading", { name: "Operators", level: 1 }).waitFor();
    const form = msp.getByRole("form", { name: "Invite an operator" });
    await form.getByLabel("Email").fill(NADIA.email);
    await form.getByLabel("Name").fill("Nadia Admin");
    await form.getByLabel("Role").selectOption({ label: "Tenant admin" });
    await form.getByLabel("Tenant").selectOption({ label: "Acme Dental" });
    const before = web.cp.smtp.received.length;
    await form.getByRole("button", { name: "Send invitation" }).click();
    await msp.getByText(`An invitation is on its way to ${NADIA.email}`).waitFor();
    const invitations = msp.getByRole("table", { name: "Invitations" });
    await invitations.locator(`tr[data-invite="${NADIA.email}"]`).getByText("pending").waitFor();
    await saveScreenshot(msp, "operators-invited");

    const [mail] = (await web.cp.smtp.waitForMessages(before + 1)).slice(before);
    expect(mail?.to).toEqual([NADIA.email]);
    const link = /http:\/\/127\.0\.0\.1:\d+\/#\/invite\/[A-Za-z0-9_-]{43}/.exec(mail?.text ?? "")?.[0];
    expect(link, mail?.text).toBeDefined();
    inviteLink = link!;
  });

  it("the invited person opens the link, chooses a password, and signs in with the role given", async () => {
    nadia = await newPage();
    await nadia.goto(inviteLink);
    await nadia.getByText("you are invited as Tenant admin of Acme Dental").waitFor();
    await nadia.getByLabel("Choose a password").fill(NADIA.first);
    await nadia.getByLabel("The same password again").fill(NADIA.first);
    await saveScreenshot(nadia, "invite-accept");
    await nadia.getByRole("button", { name: "Set password" }).click();
    await nadia.getByText("Your password is set and the link is used up.").waitFor();
    await nadia.getByRole("link", { name: "Sign in" }).click();
    await nadia.getByLabel("Email").fill(NADIA.email);
    await nadia.getByLabel("Password").fill(NADIA.first);
    await nadia.getByRole("button", { name: "Sign in" }).click();
    await nadia.getByRole("heading", { name: "Fleet", level: 1 }).waitFor();
    await nadia.getByRole("link", { name: "Operators", exact: true }).click();
    // A tenant admin invites only into their own tenant, and never an MSP admin.
    const roles = await nadia.getByRole("form", { name: "Invite an operator" }).getByLabel("Role").locator("option").allTextContents();
    expect(roles).toEqual(["Tenant admin", "Viewer"]);
    await operatorRow(nadia, VIEWER.email).waitFor();
    expect(await operatorRow(nadia, MSP_ADMIN.email).count()).toBe(0);
  });

  it("the link does not work a second time", async () => {
    const again = await newPage();
    await again.goto(inviteLink);
    await again.getByText("this invitation was already used").waitFor();
    expect(await again.getByLabel("Choose a password").count()).toBe(0);
  });

  it("the operator changes their own password on their account page", async () => {
    await nadia.getByTestId("signed-in-as").click();
    await nadia.getByRole("heading", { name: "Your account", level: 1 }).waitFor();
    await nadia.getByLabel("Current password").fill("not my password at all");
    await nadia.getByLabel("New password", { exact: true }).fill(NADIA.second);
    await nadia.getByLabel("New password again").fill(NADIA.second);
    await nadia.getByRole("button", { name: "Change password" }).click();
    await nadia.getByText("the current password is wrong").waitFor();
    await nadia.getByLabel("Current password").fill(NADIA.first);
    await nadia.getByRole("button", { name: "Change password" }).click();
    await nadia.getByText("Your password is changed.").waitFor();
    await saveScreenshot(nadia, "account-password-changed");
    expect((await web.cp.test.client().auth.login.mutate({ email: NADIA.email, password: NADIA.second })).operator.email).toBe(NADIA.email);
    await expect(web.cp.test.client().auth.login.mutate({ email: NADIA.email, password: NADIA.first })).rejects.toThrow(/wrong e-mail or password/);
  });

  it("an API token is shown once, works against the API, and is refused once revoked", async () => {
    await nadia.getByRole("link", { name: "API tokens", exact: true }).click();
    await nadia.getByRole("heading", { name: "API tokens", level: 1 }).waitFor();
    await nadia.getByLabel("Token name").fill("ci script");
    await nadia.getByRole("button", { name: "Create token" }).click();
    const secretBlock = nadia.getByLabel("Secret of API token ci script");
    await secretBlock.waitFor();
    const secret = ((await secretBlock.textContent()) ?? "").trim();
    expect(secret).toMatch(/^gh_[A-Za-z0-9_-]{43}$/);
    await nadia.getByRole("button", { name: "Copy" }).waitFor();
    await saveScreenshot(nadia, "api-token-created");

    const me = await web.cp.test.client(secret).auth.me.query();
    expect(me).toMatchObject({ email: NADIA.email, role: "TENANT_ADMIN", tenantName: "Acme Dental" });

    await nadia.getByRole("button", { name: "Done" }).click();
    const row = nadia.getByRole("table", { name: "API tokens" }).locator('tr[data-token="ci script"]');
    await row.getByText("active", { exact: true }).waitFor();
    expect(await nadia.locator("body").textContent()).not.toContain(secret);
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByText("revoked", { exact: true }).waitFor();
    expect(await web.cp.test.client(secret).auth.me.query()).toBeNull();
    await expect(web.cp.test.client(secret).servers.list.query({})).rejects.toThrow(/sign in first/);
  });

  it("a viewer sees the operators but no control to change them", async () => {
    const vic = await signedIn(VIEWER);
    await vic.getByRole("link", { name: "Operators", exact: true }).click();
    await operatorRow(vic, NADIA.email).waitFor();
    expect(await vic.getByRole("form", { name: "Invite an operator" }).count()).toBe(0);
    expect(await vic.getByRole("button", { name: /Disable|Change role|Set password|Revoke/ }).count()).toBe(0);
    await saveScreenshot(vic, "operators-viewer");
  });

  it("an MSP admin disables the new operator, whose sessions end", async () => {
    const msp = await signedIn(MSP_ADMIN);
    await msp.getByRole("link", { name: "Operators", exact: true }).click();
    const row = operatorRow(msp, NADIA.email);
    await row.getByRole("button", { name: "Disable" }).click();
    await row.getByText("disabled", { exact: true }).waitFor();
    await nadia.reload();
    await nadia.getByRole("button", { name: "Sign in" }).waitFor();
    await row.getByRole("button", { name: "Enable" }).click();
    await row.getByText("enabled", { exact: true }).waitFor();
  });
});
