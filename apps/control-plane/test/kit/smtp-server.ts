// A real SMTP server (the smtp-server package) for tests: it receives what nodemailer sends and
// keeps each message, decoded enough to check its content. It can refuse the next messages to
// play an SMTP outage.
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Record<string, string>;
  subject: string;
  /** The text body, quoted-printable decoded. */
  text: string;
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: ReceivedMail[];
  /**
   * Answer the next `count` messages with a temporary failure; only those to `recipient` when
   * given, so mail still in flight from another test cannot use up the refusals.
   */
  refuseNext(count: number, recipient?: string): void;
  /** Resolves once `count` messages have arrived in total. */
  waitForMessages(count: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const waiters: Array<{ count: number; resolve: (mail: ReceivedMail[]) => void }> = [];
  let refusals = 0;
  let refusedRecipient: string | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        if (refusals > 0 && (refusedRecipient === undefined || recipients.includes(refusedRecipient))) {
          refusals -= 1;
          const error = Object.assign(new Error("mailbox temporarily unavailable"), { responseCode: 451 });
          return callback(error);
        }
        const envelope = session.envelope;
        received.push(parseMail(Buffer.concat(chunks).toString("utf8"), envelope.mailFrom ? envelope.mailFrom.address : "", envelope.rcptTo.map((rcpt) => rcpt.address)));
        for (const waiter of waiters.filter((candidate) => received.length >= candidate.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(received);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    refuseNext(count, recipient) {
      refusals = count;
      refusedRecipient = recipient;
    },
    waitForMessages(count) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const normalised = raw.replace(/\r\n/g, "\n");
  const split = normalised.indexOf("\n\n");
  const headerBlock = normalised.slice(0, split).replace(/\n[ \t]+/g, " ");
  const body = normalised.slice(split + 2);
  const headers: Record<string, string> = {};
  for (const line of headerBlock.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const quotedPrintable = /quoted-printable/i.test(headers["content-transfer-encoding"] ?? "");
  return {
    from,
    to,
    headers,
    subject: headers.subject ?? "",
    text: quotedPrintable ? decodeQuotedPrintable(body) : body,
    raw,
  };
}

function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\n/g, "");
  const bytes = joined.replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}
