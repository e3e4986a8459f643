import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.ts";
import { deliverWithRetry } from "../src/mail/delivery.ts";
import { createMailer, withoutCredentials } from "../src/mail/mailer.ts";
import { startTestSmtpServer, type TestSmtpServer } from "./kit/index.ts";

const noWait = { sleep: async () => undefined };
let smtp: TestSmtpServer;
let outboxRoot: string;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  outboxRoot = await mkdtemp(join(tmpdir(), "gatehouse-outbox-"));
});
afterAll(async () => {
  await smtp.close();
  await rm(outboxRoot, { recursive: true, force: true });
});

/** The control plane's logger, its lines kept for the test to read. */
function recordingLogger() {
  const lines: string[] = [];
  return Object.assign(createLogger("info", { write: (line: string) => void lines.push(line) }), { lines });
}

describe("mail through the configured SMTP server", () => {
  it("arrives with sender, recipient, subject and body", async () => {
    const logger = recordingLogger();
    const mailer = createMailer({ smtpUrl: smtp.url, from: "Gatehouse <gatehouse@example.net>", outboxDir: outboxRoot }, logger);
    const before = smtp.received.length;
    await mailer.send({ to: "ann@example.org", subject: "Your address is allowed", text: "Address 203.0.113.7 is allowed.\n" });
    const [mail] = (await smtp.waitForMessages(before + 1)).slice(before);
    expect(mail).toMatchObject({ from: "gatehouse@example.net", to: ["ann@example.org"], subject: "Your address is allowed" });
    expect(mail?.text).toContain("Address 203.0.113.7 is allowed.");
    expect(logger.lines.join("\n")).not.toContain("203.0.113.7");
    mailer.close();
  });

  it("is retried through a short outage and arrives", async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: "gatehouse@example.net", outboxDir: outboxRoot }, recordingLogger());
    const before = smtp.received.length;
    smtp.refuseNext(2);
    const result = await deliverWithRetry(mailer, { to: "bob@example.org", subject: "retry", text: "hello" }, { attempts: 4, firstDelayMs: 1, ...noWait });
    expect(result).toEqual({ delivered: true, attempts: 3 });
    expect(smtp.received.slice(before).map((mail) => mail.subject)).toEqual(["retry"]);
    mailer.close();
  });

  it("reports failure when the server stays down, waiting longer each time", async () => {
    const waits: number[] = [];
    const mailer = createMailer({ smtpUrl: "smtp://127.0.0.1:9", from: "gatehouse@example.net", outboxDir: outboxRoot, smtpTimeoutMs: 2_000 }, recordingLogger());
    const result = await deliverWithRetry(mailer, { to: "bob@example.org", subject: "lost?", text: "x" }, {
      attempts: 3,
      firstDelayMs: 100,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(result).toMatchObject({ delivered: false, attempts: 3 });
    expect(result.delivered ? "" : result.error).toMatch(/ECONNREFUSED|connect/i);
    expect(waits).toEqual([100, 200]);
    mailer.close();
  });

  it("never names the SMTP credentials where it says where mail goes", () => {
    expect(withoutCredentials("smtps://mailer:hunter2@smtp.example.net:465/?pool=true")).toBe("smtps://smtp.example.net:465");
    const mailer = createMailer({ smtpUrl: "smtp://u:hunter2@127.0.0.1:2525", from: "a@example.net", outboxDir: outboxRoot }, recordingLogger());
    expect(mailer.destination).not.toContain("hunter2");
    mailer.close();
  });
});

describe("mail without SMTP (the embedded default)", () => {
  it("is written to the outbox as an .eml file and logged without its body", async () => {
    const outboxDir = join(outboxRoot, "outbox");
    const logger = recordingLogger();
    const mailer = createMailer({ smtpUrl: undefined, from: "gatehouse@example.net", outboxDir }, logger);
    expect(mailer.destination).toBe(`outbox:${outboxDir}`);
    await mailer.send({ to: "carol@example.org", subject: "Your link", text: "Open https://cp.example.net/t/secret-token-123\n" });
    const files = await readdir(outboxDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const eml = await readFile(join(outboxDir, files[0] ?? ""), "utf8");
    expect(eml).toMatch(/^To: carol@example.org$/m);
    expect(eml).toMatch(/^Subject: Your link$/m);
    expect(eml).toContain("secret-token-123");
    expect(logger.lines.join("\n")).toContain("carol@example.org");
    expect(logger.lines.join("\n")).not.toContain("secret-token-123");
  });
});
