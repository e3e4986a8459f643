// The travelers service of a running control plane, found from its app object. Kept beside
// the app (not on it) so the travelers extension attaches without the core app knowing it.
// The API works without the extension too: the first call builds the service from the
// configuration (the extension adds the IVR, the pages and grant expiry).
import { join } from "node:path";
import type { ControlPlaneApp } from "../app.ts";
import { createMailer, DEFAULT_MAIL_RETRY, type Mailer, type RetryPolicy } from "../mail/index.ts";
import { BackgroundTasks, type TravelersContext } from "./context.ts";
import { travelersMutation } from "./mutation.ts";

const attached = new WeakMap<ControlPlaneApp, TravelersContext>();

export function registerTravelers(app: ControlPlaneApp, travelers: TravelersContext): void {
  attached.set(app, travelers);
}

export function travelersOf(app: ControlPlaneApp): TravelersContext {
  let travelers = attached.get(app);
  if (!travelers) {
    travelers = travelersContextFor(app, {});
    attached.set(app, travelers);
  }
  return travelers;
}

export function travelersContextFor(app: ControlPlaneApp, options: { mailer?: Mailer; mailRetry?: RetryPolicy }): TravelersContext {
  const { env } = app;
  const logger = app.logger.child({ component: "travelers" });
  return {
    prisma: app.prisma,
    mutate: travelersMutation(app.prisma, app.bus, app.now),
    mailer: options.mailer ?? createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, outboxDir: join(env.DATA_DIR, "outbox") }, logger.child({ component: "mail" })),
    mailRetry: options.mailRetry ?? DEFAULT_MAIL_RETRY,
    logger,
    now: app.now,
    timeZone: env.TIME_ZONE,
    allowDocumentationAddresses: env.ALLOW_DOCUMENTATION_ADDRESSES,
    publicUrl: () => app.publicUrl(),
    background: new BackgroundTasks(),
  };
}
