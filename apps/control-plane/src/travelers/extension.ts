// Travelers plug into the control plane as one extension over the travelers service the plane
// built at start (app.travelers): the traveler pages on the HTTP server, the FastAGI server for
// the IVR (when AGI_SECRET is set, its port published as app.fastAgiPort), and grant expiry in
// the sweeper (which keeps failed PIN attempts as long as the lockouts count them).
import { longestLockoutWindowMs } from "@gatehouse/core";
import type { ControlPlaneApp } from "../app.ts";
import type { ControlPlaneExtension } from "../extension.ts";
import { sharedSecret } from "../cluster/shared-secrets.ts";
import { clientAddress } from "../http/client-address.ts";
import { FASTAGI_DEFAULTS, startFastAgiServer, type FastAgiServer } from "../ivr/index.ts";
import type { TravelersContext } from "./context.ts";
import { grantExpiryHooks } from "./grant-expiry.ts";
import { travelerIvrServices } from "./ivr-services.ts";
import { LOCKOUT_POLICY, WITHHELD_CALLERS_LIMIT } from "./verification.ts";
import { pageSessions } from "./page-session.ts";
import { TRAVELER_PAGE_PATHS, travelerPages } from "./pages.ts";

/** The ClusterSecret holding the traveler page's session signing key. */
const TRAVELER_PAGE_SESSION_KEY = "traveler-page-session";

export interface TravelersExtensionOptions {
  /** Tests: wait this long for the AGI environment block. */
  agiEnvironmentTimeoutMs?: number;
  /** Tests: audit every refused AGI connection (0) instead of once a minute per peer and reason. */
  agiRefusalAuditWindowMs?: number;
  /** Tests: ask Asterisk for the IVR's sounds on every call (0) instead of once a minute. */
  agiSoundCheckIntervalMs?: number;
}

export function travelersExtension(options: TravelersExtensionOptions = {}): ControlPlaneExtension {
  return async ({ app, sweeper }) => {
    const ctx = app.travelers;
    const removeExpiryHooks = sweeper.addHooks(grantExpiryHooks);
    sweeper.keepAuthFailuresFor(Math.max(longestLockoutWindowMs(LOCKOUT_POLICY), WITHHELD_CALLERS_LIMIT.windowMs));
    ctx.logger.info({ mail: ctx.mailer.destination }, "travelers enabled");

    const agi = await startIvr(app, ctx, options);
    if (agi) app.fastAgiPort = agi.port;
    const sessionKey = await sharedSecret(app.prisma, TRAVELER_PAGE_SESSION_KEY);
    const pages = travelerPages(ctx, { clientAddress: (req) => clientAddress(req, app.isTrustedProxy), sessions: pageSessions(sessionKey) });

    return {
      async handleRequest(req, res) {
        const path = new URL(req.url ?? "/", "http://localhost").pathname;
        if (!(TRAVELER_PAGE_PATHS as readonly string[]).includes(path)) return false;
        await pages(req, res);
        return true;
      },
      health: () => ({ ivr: agi ? agi.health() : { enabled: false } }),
      async close() {
        removeExpiryHooks();
        await agi?.close();
      },
    };
  };
}

async function startIvr(app: ControlPlaneApp, ctx: TravelersContext, options: TravelersExtensionOptions): Promise<FastAgiServer | null> {
  const { env } = app;
  const logger = app.logger.child({ component: "fastagi" });
  if (!env.AGI_SECRET) {
    logger.info("traveler IVR off: set AGI_SECRET (and AGI_ALLOWED_ADDRESSES) to accept FastAGI calls");
    return null;
  }
  return startFastAgiServer(
    {
      ...FASTAGI_DEFAULTS,
      host: env.AGI_HOST,
      port: env.AGI_PORT,
      allowedPeers: env.AGI_ALLOWED_ADDRESSES,
      secret: env.AGI_SECRET,
      ivr: { allowDocumentationAddresses: env.ALLOW_DOCUMENTATION_ADDRESSES, timeZone: env.TIME_ZONE },
      environmentTimeoutMs: options.agiEnvironmentTimeoutMs ?? FASTAGI_DEFAULTS.environmentTimeoutMs,
      refusalAuditWindowMs: options.agiRefusalAuditWindowMs ?? FASTAGI_DEFAULTS.refusalAuditWindowMs,
      soundCheckIntervalMs: options.agiSoundCheckIntervalMs ?? FASTAGI_DEFAULTS.soundCheckIntervalMs,
    },
    travelerIvrServices(ctx),
    logger,
  );
}
