// The control plane's one typed configuration. main.ts parses process.env with loadEnv; tests
// build an Env with loadEnv({...}) and pass it to startControlPlane, so nothing reads
// process.env at import time and no test has to mock it.
//
// Every rule about the configuration lives here, the ones between variables included, so a
// mistake stops the process before it touches the database or the filesystem (no migration,
// no first admin, no DATA_DIR). docs/operations.md has the same rules as a table.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DEFAULT_IPV4_FLOOR, DEFAULT_IPV6_FLOOR, GatehouseError } from "@gatehouse/core";
import { VERSION_FILE } from "@gatehouse/geo";
import { trustedProxies } from "./http/client-address.ts";
import { peerAllowlist } from "./ivr/peer-allowlist.ts";

/** The FastAGI secret's and the metrics token's least length. */
const MIN_SHARED_SECRET_LENGTH = 16;
/** Node's timers overflow past 2^31-1 ms (~24.8 days) and then fire at once, in a loop. */
const MAX_SWEEP_INTERVAL_SECONDS = 86_400;
/**
 * Lifetimes and windows are added to or taken from the clock; far enough out, the Date is
 * invalid (and every sign-in or enrollment a 500), so a year is the most any of them may be.
 */
const HOURS_IN_A_YEAR = 8760;

/** Empty strings (as docker-compose passes unset `${X:-}`) count as unset. */
const optionalText = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const hoursUpToAYear = positiveInt.max(HOURS_IN_A_YEAR, `at most ${HOURS_IN_A_YEAR} (a year)`);
const minutesUpToAYear = positiveInt.max(HOURS_IN_A_YEAR * 60, `at most ${HOURS_IN_A_YEAR * 60} (a year)`);
/** What server.listen takes: an IP address or a host name, without a port or a scheme. */
const listenHost = z.union([z.ipv4(), z.ipv6(), z.hostname()], {
  error: "must be an IP address or a host name, without a port (e.g. 127.0.0.1, 0.0.0.0, ::)",
});
const list = z.preprocess(
  (value) => (typeof value === "string" ? value.split(",").map((item) => item.trim()).filter(Boolean) : value),
  z.array(z.string()),
);
const flag = z.preprocess((value) => (typeof value === "string" ? /^(1|true|yes|on)$/i.test(value) : value), z.boolean());
const urlWith = (protocol: RegExp, message: string) => optionalText.pipe(z.url({ protocol, message }).optional());
const sharedSecret = optionalText.pipe(
  z.string().min(MIN_SHARED_SECRET_LENGTH, `needs at least ${MIN_SHARED_SECRET_LENGTH} characters (e.g. openssl rand -hex 24)`).optional(),
);

/** A geo database folder is checked for its VERSION here, so a wrong path stops the start before the database; its data loads on first use. */
const geoDatabaseDir = optionalText.refine((dir) => dir === undefined || existsSync(join(dir, VERSION_FILE)), {
  message: `has no ${VERSION_FILE} file: the folder must hold the four *-num.csv files and ${VERSION_FILE} (docs/geo.md)`,
});

/**
 * A comma-separated list of addresses/CIDRs, each accepted by the same code that later uses it;
 * a refused item gets that parser's own message ("010.0.0.1: … a leading zero", "… not where a /8 range starts").
 */
function addressList(accepts: (items: readonly string[]) => unknown) {
  return list.superRefine((items, ctx) => {
    for (const item of items) {
      try {
        accepts([item]);
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
      }
    }
  });
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const fields = z.object({
  PORT: port.default(8080),
  HOST: listenHost.default("127.0.0.1"),
  /** postgresql://… ; unset = embedded PGlite in DATA_DIR. */
  DATABASE_URL: urlWith(/^postgres(ql)?$/, "must be a postgresql:// URL"),
  DATA_DIR: z.string().min(1).default("./data"),
  /** Where operators and agents reach this control plane (links, enrollment commands). */
  PUBLIC_URL: urlWith(/^https?$/, "must be an http:// or https:// URL"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  /** First run only: the msp-admin to create when no operator exists. */
  GATEHOUSE_ADMIN_EMAIL: optionalText.pipe(z.email().optional()),
  GATEHOUSE_ADMIN_PASSWORD: optionalText.pipe(z.string().min(12, "needs at least 12 characters").optional()),

  SESSION_TTL_HOURS: hoursUpToAYear.default(12),
  /** Failed sign-ins tolerated per e-mail from one address or device, and per client address, within the window. */
  LOGIN_MAX_FAILURES_PER_EMAIL: positiveInt.default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(20),
  LOGIN_FAILURE_WINDOW_MINUTES: minutesUpToAYear.default(15),
  /** Failed sign-ins tolerated per e-mail within an hour from every unknown address and device together. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(20),
  /** Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma separated). */
  TRUSTED_PROXIES: addressList(trustedProxies).default([]),

  /** Broadest prefixes an allow entry may have (see parseSource). */
  SOURCE_IPV4_FLOOR: z.coerce.number().int().min(1).max(32).default(DEFAULT_IPV4_FLOOR),
  SOURCE_IPV6_FLOOR: z.coerce.number().int().min(1).max(128).default(DEFAULT_IPV6_FLOOR),
  ENROLLMENT_TTL_HOURS: hoursUpToAYear.default(24),
  /** The expiry sweeper also looks at least this often (it wakes at the next expiry anyway). */
  EXPIRY_SWEEP_INTERVAL_SECONDS: positiveInt.max(MAX_SWEEP_INTERVAL_SECONDS, `at most ${MAX_SWEEP_INTERVAL_SECONDS} (a day)`).default(60),

  /** GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; unset, /metrics is served on loopback only. */
  METRICS_TOKEN: sharedSecret,
  /** Static files of the web console; default apps/web/dist when it exists. */
  WEB_DIST_DIR: optionalText,
  /** A folder with a geo database of its own (the four *-num.csv files and VERSION); unset = the one shipped in npm (docs/geo.md). */
  GEO_DATABASE_DIR: geoDatabaseDir,

  // Used by the mail, IVR and traveler parts.
  SMTP_URL: urlWith(/^smtps?$/, "must be an smtp:// or smtps:// URL"),
  MAIL_FROM: z.string().min(3).default("gatehouse@localhost"),
  TIME_ZONE: z.string().min(1).refine(isTimeZone, "is not an IANA time zone (e.g. UTC, Europe/Berlin)").default("UTC"),
  /**
   * FastAGI listen address; unset = every interface of both families (Node listens on "::",
   * which also takes IPv4, or on 0.0.0.0 where the host has no IPv6). AGI_ALLOWED_ADDRESSES
   * still decides who may talk; an IPv4 peer seen as ::ffff:a.b.c.d matches its IPv4 entry.
   */
  AGI_HOST: optionalText.pipe(listenHost.optional()),
  AGI_PORT: port.default(4573),
  /** The number travelers call, shown on the console's Travelers page (display only: the DID is the PBX's). */
  TRAVELER_DID: optionalText.pipe(z.string().max(40).regex(/^\+?[0-9][0-9 ().-]*$/, "must be a phone number, like +1 212 555 0100").optional()),
  /** Turns the traveler IVR on; the dialplan passes it as the first AGI argument. */
  AGI_SECRET: sharedSecret,
  AGI_ALLOWED_ADDRESSES: addressList(peerAllowlist).default([]),
  /** Tests only: documentation address ranges may be granted to travelers. */
  ALLOW_DOCUMENTATION_ADDRESSES: flag.default(false),

  /** Alert webhooks may post to private and loopback addresses, and over plain http (never link-local). */
  ALERT_WEBHOOK_ALLOW_PRIVATE: flag.default(false),
  /** A server whose agent stays disconnected this long raises a server.offline alert. */
  ALERT_OFFLINE_AFTER_SECONDS: positiveInt.max(MAX_SWEEP_INTERVAL_SECONDS, `at most ${MAX_SWEEP_INTERVAL_SECONDS} (a day)`).default(120),
});

type Fields = z.infer<typeof fields>;

/** Rules between variables; each issue names the variable to change. */
function crossFieldRules(env: Fields, ctx: z.RefinementCtx): void {
  if (env.AGI_SECRET !== undefined && env.AGI_ALLOWED_ADDRESSES.length === 0) {
    ctx.addIssue({ code: "custom", path: ["AGI_ALLOWED_ADDRESSES"], message: "is empty while AGI_SECRET turns the IVR on: every FastAGI call would be refused; list your Asterisk's addresses" });
  }
  if (env.AGI_SECRET === undefined && env.AGI_ALLOWED_ADDRESSES.length > 0) {
    ctx.addIssue({ code: "custom", path: ["AGI_SECRET"], message: "is unset while AGI_ALLOWED_ADDRESSES is set: the IVR would stay off; set AGI_SECRET (or unset AGI_ALLOWED_ADDRESSES)" });
  }
  if (env.AGI_SECRET !== undefined && env.AGI_PORT !== 0 && env.AGI_PORT === env.PORT) {
    ctx.addIssue({ code: "custom", path: ["AGI_PORT"], message: `is PORT's port too (${env.PORT}): FastAGI and HTTP need a port each` });
  }
}

const envSchema = fields.superRefine(crossFieldRules);

export type Env = z.infer<typeof envSchema>;

/** Parses `source` (process.env in main) and says every problem at once, by variable name. */
export function loadEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`);
  throw new Error(`invalid control-plane configuration:\n  ${problems.join("\n  ")}`);
}

/** What the control plane advertises as its base URL. */
export function publicUrlOf(env: Env, listeningUrl: string): string {
  return (env.PUBLIC_URL ?? listeningUrl).replace(/\/+$/, "");
}
