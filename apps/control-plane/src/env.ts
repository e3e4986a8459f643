// The control plane's one typed configuration. main.ts parses process.env with loadEnv; tests
// build an Env with loadEnv({...}) and pass it to startControlPlane, so nothing reads
// process.env at import time and no test has to mock it.
import { z } from "zod";
import { DEFAULT_IPV4_FLOOR, DEFAULT_IPV6_FLOOR } from "@gatehouse/core";

/** Empty strings (as docker-compose passes unset `${X:-}`) count as unset. */
const optionalText = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const list = z.preprocess(
  (value) => (typeof value === "string" ? value.split(",").map((item) => item.trim()).filter(Boolean) : value),
  z.array(z.string()),
);
const flag = z.preprocess((value) => (typeof value === "string" ? /^(1|true|yes|on)$/i.test(value) : value), z.boolean());

export const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** postgresql://… ; unset = embedded PGlite in DATA_DIR. */
  DATABASE_URL: optionalText,
  DATA_DIR: z.string().min(1).default("./data"),
  /** Where operators and agents reach this control plane (links, enrollment commands). */
  PUBLIC_URL: optionalText.pipe(z.url().optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  /** First run only: the msp-admin to create when no operator exists. */
  GATEHOUSE_ADMIN_EMAIL: optionalText.pipe(z.email().optional()),
  GATEHOUSE_ADMIN_PASSWORD: optionalText.pipe(z.string().min(12, "GATEHOUSE_ADMIN_PASSWORD needs at least 12 characters").optional()),

  SESSION_TTL_HOURS: positiveInt.default(12),
  /** Failed sign-ins tolerated per e-mail from one address or device, and per client address, within the window. */
  LOGIN_MAX_FAILURES_PER_EMAIL: positiveInt.default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(20),
  LOGIN_FAILURE_WINDOW_MINUTES: positiveInt.default(15),
  /** Failed sign-ins tolerated per e-mail within an hour from every unknown address and device together. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(20),
  /** Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma separated). */
  TRUSTED_PROXIES: list.default([]),

  /** Broadest prefixes an allow entry may have (see parseSource). */
  SOURCE_IPV4_FLOOR: z.coerce.number().int().min(0).max(32).default(DEFAULT_IPV4_FLOOR),
  SOURCE_IPV6_FLOOR: z.coerce.number().int().min(0).max(128).default(DEFAULT_IPV6_FLOOR),
  ENROLLMENT_TTL_HOURS: positiveInt.default(24),
  /** The expiry sweeper also looks at least this often (it wakes at the next expiry anyway). */
  EXPIRY_SWEEP_INTERVAL_SECONDS: positiveInt.default(60),

  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalText,
  /** Static files of the web console; default apps/web/dist when it exists. */
  WEB_DIST_DIR: optionalText,

  // Used by the mail, IVR and traveler parts.
  SMTP_URL: optionalText,
  MAIL_FROM: z.string().min(3).default("gatehouse@localhost"),
  TIME_ZONE: z.string().min(1).default("UTC"),
  /**
   * FastAGI listen address; unset = every interface of both families (Node listens on "::",
   * which also takes IPv4, or on 0.0.0.0 where the host has no IPv6). AGI_ALLOWED_ADDRESSES
   * still decides who may talk; an IPv4 peer seen as ::ffff:a.b.c.d matches its IPv4 entry.
   */
  AGI_HOST: optionalText,
  AGI_PORT: port.default(4573),
  AGI_SECRET: optionalText,
  AGI_ALLOWED_ADDRESSES: list.default([]),
  /** Tests only: documentation address ranges may be granted to travelers. */
  ALLOW_DOCUMENTATION_ADDRESSES: flag.default(false),
});

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
