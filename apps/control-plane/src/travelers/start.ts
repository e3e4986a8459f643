// The travelers service of a control plane, built once when it starts (server.ts) whether or not
// the travelers extension runs: the API's travelers procedures work without it (the extension
// adds the IVR, the pages and grant expiry). Closed after the extensions, before the database.
import { join } from "node:path";
import type { PrismaClient } from "@gatehouse/db";
import type { RevisionBus } from "../bus.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import { createMailer, DEFAULT_MAIL_RETRY, type Mailer, type RetryPolicy } from "../mail/index.ts";
import { BackgroundTasks, type TravelersContext } from "./context.ts";

/** What the travelers service takes from the control plane being built. */
export interface TravelersHost {
  env: Env;
  prisma: PrismaClient;
  bus: RevisionBus;
  logger: Logger;
  now: () => Date;
  publicUrl: () => string;
}

export interface TravelersOptions {
  /** Tests: their own mailer or a faster retry. */
  mailer?: Mailer;
  mailRetry?: RetryPolicy;
}

export function startTravelers(host: TravelersHost, options: TravelersOptions = {}): TravelersContext {
  const { env } = host;
  const logger = host.logger.child({ component: "travelers" });
  return {
    prisma: host.prisma,
    bus: host.bus,
    mailer: options.mailer ?? createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, outboxDir: join(env.DATA_DIR, "outbox") }, logger.child({ component: "mail" })),
    mailRetry: options.mailRetry ?? DEFAULT_MAIL_RETRY,
    logger,
    now: host.now,
    timeZone: env.TIME_ZONE,
    allowDocumentationAddresses: env.ALLOW_DOCUMENTATION_ADDRESSES,
    publicUrl: host.publicUrl,
    background: new BackgroundTasks(),
  };
}

/** Waits for mail still being sent, then closes the mailer. */
export async function stopTravelers(travelers: TravelersContext): Promise<void> {
  await travelers.background.drain();
  travelers.mailer.close();
}
