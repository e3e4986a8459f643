// Outgoing mail. With SMTP_URL set, messages go to that SMTP server; without it (the embedded,
// zero-setup default) each message is written to DATA_DIR/outbox as one .eml file, so nothing
// is lost and an operator can read or forward it. Logs name the recipient and subject only:
// bodies can carry single-use links, and the SMTP URL's credentials are never logged.
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTransport } from "nodemailer";
import type { Logger } from "../logger.ts";

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
}

export interface Mailer {
  /** Resolves once the SMTP server (or the outbox) accepted the message. */
  send(message: MailMessage): Promise<void>;
  /** "smtp://host:port" or "outbox:<dir>", without credentials. */
  readonly destination: string;
  close(): void;
}

export interface MailerConfig {
  /** smtp://user:pass@host:587, smtps://... ; undefined = outbox. */
  smtpUrl: string | undefined;
  from: string;
  outboxDir: string;
  /** Give up on an unreachable SMTP server after this long (per attempt). */
  smtpTimeoutMs?: number;
}

export function createMailer(config: MailerConfig, logger: Logger): Mailer {
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config, logger) : outboxMailer(config, logger);
}

function smtpMailer(smtpUrl: string, config: MailerConfig, logger: Logger): Mailer {
  const timeout = config.smtpTimeoutMs ?? 10_000;
  const transport = createTransport(
    { url: smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout },
    { from: config.from },
  );
  const destination = withoutCredentials(smtpUrl);
  return {
    destination,
    async send(message) {
      await transport.sendMail(message);
      logger.info({ to: message.to, subject: message.subject, via: destination }, "mail sent");
    },
    close: () => transport.close(),
  };
}

function outboxMailer(config: MailerConfig, logger: Logger): Mailer {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: "unix" }, { from: config.from });
  return {
    destination: `outbox:${config.outboxDir}`,
    async send(message) {
      const info = await transport.sendMail(message);
      await mkdir(config.outboxDir, { recursive: true });
      const file = join(config.outboxDir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID()}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      logger.info({ to: message.to, subject: message.subject, file }, "mail written to the outbox (no SMTP_URL)");
    },
    close: () => transport.close(),
  };
}

/** smtp://user:secret@host:587/?x=y -> smtp://host:587 */
export function withoutCredentials(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return "smtp://(unparseable url)";
  }
}
