// Starts one control plane: database (migrated, presets seeded, first admin), RevisionBus, its
// place among the replicas on the same database (cluster/), the expiry sweeper (on the leader), and one HTTP server carrying the tRPC API (/trpc), /healthz, /metrics, the
// extensions (agent hub, traveler link page) and the web console. Tests start it on port 0
// with their own database and clock.
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { longestLockoutWindowMs } from "@gatehouse/core";
import { openDatabase, seedProviderPresets, type PrismaClient } from "@gatehouse/db";
import { collectDefaultMetrics, Counter, Registry } from "prom-client";
import { registerApiMetrics } from "./api/metrics.ts";
import { OperatorCallLimit } from "./api/operator-concurrency.ts";
import { appRouter } from "./api/router.ts";
import { createApiContext } from "./api/trpc.ts";
import type { ControlPlaneApp } from "./app.ts";
import { ensureFirstAdmin, type FirstRunResult } from "./auth/first-run.ts";
import { loginLockoutPolicy } from "./auth/login.ts";
import { RevisionBus } from "./bus.ts";
import { startCluster } from "./cluster/start-cluster.ts";
import { publicUrlOf, type Env } from "./env.ts";
import type { ControlPlaneExtension, HttpExtension } from "./extension.ts";
import { startGeoService } from "./geo.ts";
import { trustedProxies } from "./http/client-address.ts";
import { decideMetricsRequest, metricsAccess, type MetricsAccess } from "./http/metrics-access.ts";
import { API_REQUEST_LIMITS } from "./http/request-limits.ts";
import { applyHeaders, baselineHeaders } from "./http/security-headers.ts";
import { serveStatic } from "./http/static-files.ts";
import { makeDataDirPrivate, octalMode, type DataDirReport } from "./data-dir.ts";
import { createLogger, type Logger } from "./logger.ts";
import { GeoUpgrade } from "./services/geo-upgrade.ts";
import { KnockRetention } from "./services/knock-retention.ts";
import { ExpirySweeper } from "./services/expiry-sweeper.ts";
import { startTravelers, stopTravelers, type TravelersOptions } from "./travelers/start.ts";

/**
 * Connections the kernel may hold before the process accepts them. When a replica dies, its
 * thousands of agents arrive at the others within a second; past Node's default of 511 the
 * kernel drops their SYNs, and each dropped agent waits for TCP's retransmit (1 s, then 3 s,
 * then 7 s) before it is even seen. The kernel caps this at net.core.somaxconn (4096 on current
 * kernels; docs/operations.md).
 */
const LISTEN_BACKLOG = 8192;

export interface StartOptions {
  /** Use this database (tests); it is migrated by its owner and not closed by close(). */
  prisma?: PrismaClient;
  /** `prisma`'s postgresql:// URL, for the replicas' LISTEN link; without it this plane is alone. */
  databaseUrl?: string | null;
  /** Tests: how often a follower asks for the leader lock. */
  leaderPollMs?: number;
  extensions?: readonly ControlPlaneExtension[];
  now?: () => Date;
  logger?: Logger;
  /** Console output that must never go to the logger (the one-time admin password). */
  print?: (text: string) => void;
  /** Static files of the web console; null = none. Default: WEB_DIST_DIR, else apps/web/dist if built. */
  webDistDir?: string | null;
  /** false = no background sweeping (tests call sweeper.sweepNow()). */
  startSweeper?: boolean;
  /** Tests: the travelers service's own mailer or a faster mail retry. */
  travelers?: TravelersOptions;
}

export interface ControlPlane {
  url: string;
  port: number;
  app: ControlPlaneApp;
  prisma: PrismaClient;
  bus: RevisionBus;
  sweeper: ExpirySweeper;
  firstRun: FirstRunResult;
  server: Server;
  /** Adds an extension to a running control plane (after those given at start). */
  register(extension: HttpExtension): void;
  close(): Promise<void>;
}

const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));
const MAX_API_BODY_BYTES = 1024 * 1024;
/** Drop telemetry's rollup and pruning (services/knock-retention.ts). */
const KNOCK_RETENTION_INTERVAL_MS = 10 * 60_000;

export async function startControlPlane(env: Env, options: StartOptions = {}): Promise<ControlPlane> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const now = options.now ?? (() => new Date());
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  // Our own database lives in DATA_DIR (with the outbox); a caller's (tests) lives elsewhere.
  const dataDir = options.prisma || env.DATA_DIR.includes("://") ? null : env.DATA_DIR;
  if (dataDir !== null) reportDataDir(await makeDataDirPrivate(dataDir), logger);
  const database = options.prisma
    ? { prisma: options.prisma, kind: "external" as const, close: async () => undefined }
    : await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, logger: { info: (message) => logger.info(message), warn: (message) => logger.warn(message) } });
  // A new PGlite cluster is unpacked from an image whose files are 0666 (umask does not apply).
  if (dataDir !== null && database.kind === "pglite") await makeDataDirPrivate(dataDir);
  const { prisma } = database;
  const closers: (() => Promise<void> | void)[] = [() => database.close()];
  try {
    await seedProviderPresets(prisma);
    const firstRun = await ensureFirstAdmin(prisma, env, print, now());
    if (firstRun.created) logger.info({ email: firstRun.email, passwordFrom: firstRun.passwordGenerated ? "printed once to the console" : "environment" }, "first MSP admin created");

    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    const bus = new RevisionBus(logger);
    const published = new Counter({ name: "gatehouse_revisions_published_total", help: "Server revisions published after commit", registers: [metrics] });
    bus.subscribe(() => published.inc());

    let listeningUrl = `http://${env.HOST}:${env.PORT}`;
    const publicUrl = () => publicUrlOf(env, listeningUrl);
    const cluster = await startCluster({
      prisma,
      bus,
      logger,
      databaseUrl: database.kind === "postgres" ? (env.DATABASE_URL ?? null) : (options.databaseUrl ?? null),
      listenUrl: listeningUrl,
      leaderPollMs: options.leaderPollMs,
      // Fires at a heartbeat, long after `app` below exists.
      onReaped: () => app.agents?.rewritePresence(),
    });
    closers.push(() => cluster.close());
    const travelers = startTravelers({ env, prisma, bus, logger, now, publicUrl }, options.travelers);
    closers.push(() => stopTravelers(travelers));
    const app: ControlPlaneApp = {
      env,
      prisma,
      databaseKind: database.kind,
      bus,
      replica: cluster.replica,
      leadership: cluster.leadership,
      logger,
      metrics,
      apiMetrics: registerApiMetrics(metrics),
      operatorCalls: new OperatorCallLimit(),
      now,
      publicUrl,
      loginPolicy: {
        maxFailuresPerEmail: env.LOGIN_MAX_FAILURES_PER_EMAIL,
        maxFailuresPerAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS,
        failureWindowMs: env.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
        maxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        sessionTtlMs: env.SESSION_TTL_HOURS * 3_600_000,
      },
      sourceFloors: { ipv4Floor: env.SOURCE_IPV4_FLOOR, ipv6Floor: env.SOURCE_IPV6_FLOOR },
      enrollmentTtlMs: env.ENROLLMENT_TTL_HOURS * 3_600_000,
      isTrustedProxy: trustedProxies(env.TRUSTED_PROXIES),
      travelers,
      geo: await startGeoService(env, logger.child({ component: "geo" })),
    };

    const sweeper = new ExpirySweeper({ prisma, bus, logger: logger.child({ component: "expiry-sweeper" }), now, intervalMs: env.EXPIRY_SWEEP_INTERVAL_SECONDS * 1000 });
    sweeper.keepAuthFailuresFor(longestLockoutWindowMs(loginLockoutPolicy(app.loginPolicy)));
    closers.push(() => sweeper.close());

    const extensions: HttpExtension[] = [];
    for (const factory of options.extensions ?? []) {
      const extension = await factory({ app, sweeper });
      if (extension) extensions.push(extension);
    }
    // The HTTP server stops accepting first (closer below), then extensions close (the hub ends
    // its upgraded WebSocket sockets, which server.close() would otherwise wait for forever),
    // and only then do we wait for the server to be fully closed.
    let serverClosed: Promise<void> | undefined;
    closers.push(() => serverClosed);
    closers.push(async () => {
      for (const extension of [...extensions].reverse()) await extension.close?.();
    });

    const webDir = options.webDistDir === undefined ? (env.WEB_DIST_DIR ?? (existsSync(DEFAULT_WEB_DIST) ? DEFAULT_WEB_DIST : null)) : options.webDistDir;
    const headers = baselineHeaders(env);
    const server = createServer((req, res) => {
      applyHeaders(res, headers);
      void route(app, extensions, webDir, req, res).catch((error: unknown) => {
        logger.error({ err: error, url: req.url }, "request failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "internal error" }));
      });
    });
    server.on("upgrade", (req, socket, head) => {
      for (const extension of extensions) if (extension.handleUpgrade?.(req, socket, head)) return;
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port: env.PORT, host: env.HOST, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    listeningUrl = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;
    closers.push(() => {
      serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    });
    await cluster.replica.setListenUrl(listeningUrl);
    if (options.startSweeper !== false) {
      cluster.whileLeader(sweeper);
      cluster.whileLeader(new KnockRetention({ prisma, logger: logger.child({ component: "knock-retention" }), now, intervalMs: KNOCK_RETENTION_INTERVAL_MS }));
    }
    cluster.whileLeader(new GeoUpgrade({ prisma, bus, now, version: app.geo.version, logger: logger.child({ component: "geo-upgrade" }) }));
    reportMetricsAccess(metricsAccess(env), logger);
    print(`Gatehouse control plane listening on ${listeningUrl} (database: ${describeDatabase(env, database.kind)})`);

    let closing: Promise<void> | null = null;
    return {
      url: listeningUrl,
      port,
      app,
      prisma,
      bus,
      sweeper,
      firstRun,
      server,
      register: (extension) => extensions.push(extension),
      close: () => (closing ??= closeAll(closers, logger)),
    };
  } catch (error) {
    await closeAll(closers, logger);
    throw error;
  }
}

/** Closes in reverse order of opening: server (stops accepting), extensions, sweeper, then the database. */
async function closeAll(closers: (() => Promise<void> | void)[], logger: Logger): Promise<void> {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (error) {
      logger.error({ err: error }, "error while shutting down");
    }
  }
}

function reportDataDir(report: DataDirReport, logger: Logger): void {
  if (report.tightened === 0) return;
  logger.warn(
    { path: report.path, oldMode: report.oldMode === null ? null : octalMode(report.oldMode), tightened: report.tightened },
    "DATA_DIR was open to other users: made it private (directories 0700, files 0600)",
  );
}

function describeDatabase(env: Env, kind: ControlPlaneApp["databaseKind"]): string {
  if (kind === "external") return "provided by the caller";
  if (kind === "pglite") return `pglite at ${env.DATA_DIR}`;
  try {
    const url = new URL(env.DATABASE_URL ?? "");
    return `postgresql at ${url.host}${url.pathname}`;
  } catch {
    return "postgresql";
  }
}

async function route(app: ControlPlaneApp, extensions: readonly HttpExtension[], webDir: string | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path === "/trpc" || path.startsWith("/trpc/")) return serveApi(app, req, res, path.slice("/trpc/".length));
  if (path === "/healthz") return serveHealth(app, extensions, res);
  if (path === "/metrics") return serveMetrics(app, req, res);
  for (const extension of extensions) if (await extension.handleRequest?.(req, res)) return;
  if (webDir !== null && (await serveStatic(webDir, req, res))) return;
  res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
}

function serveApi(app: ControlPlaneApp, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  return nodeHTTPRequestHandler({
    router: appRouter,
    req,
    res,
    path,
    maxBodySize: MAX_API_BODY_BYTES,
    ...API_REQUEST_LIMITS,
    createContext: ({ req: request }) => createApiContext(app, request),
    responseMeta: ({ ctx }) => ({
      headers: { "cache-control": "no-store", ...(ctx && ctx.responseCookies.length > 0 ? { "set-cookie": ctx.responseCookies } : {}) },
    }),
  });
}

async function serveHealth(app: ControlPlaneApp, extensions: readonly HttpExtension[], res: ServerResponse): Promise<void> {
  try {
    await app.prisma.$queryRaw`SELECT 1`;
    const parts = Object.assign({}, ...extensions.map((extension) => extension.health?.() ?? {})) as Record<string, unknown>;
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ status: "ok", database: "ok", ...parts }));
  } catch (error) {
    app.logger.warn({ err: error }, "health check: database unreachable");
    res.writeHead(503, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ status: "unavailable", database: "unreachable" }));
  }
}

async function serveMetrics(app: ControlPlaneApp, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const decision = decideMetricsRequest(metricsAccess(app.env), req);
  if (decision === "not-found") {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
    return;
  }
  if (decision === "unauthorized") {
    res.writeHead(401, { "www-authenticate": "Bearer" }).end();
    return;
  }
  res.writeHead(200, { "content-type": app.metrics.contentType }).end(await app.metrics.metrics());
}

function reportMetricsAccess(access: MetricsAccess, logger: Logger): void {
  if (access.kind === "off") logger.warn({ why: access.why }, "metrics are off: /metrics answers 404 until METRICS_TOKEN is set");
  else if (access.kind === "loopback") logger.info("metrics at /metrics, for this host only (loopback, no METRICS_TOKEN)");
  else logger.info("metrics at /metrics, with Authorization: Bearer <METRICS_TOKEN>");
}
