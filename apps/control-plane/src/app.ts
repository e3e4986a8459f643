// What the running control plane is made of, handed to the tRPC context, to the expiry sweeper
// and to extensions (the agent hub, the traveler link page): one object, built in server.ts with
// every part it holds (nothing is looked up or built later on a first call).
import type { DatabaseKind, PrismaClient } from "@gatehouse/db";
import type { SourceFloors } from "@gatehouse/core";
import type { Registry } from "prom-client";
import type { ApiMetrics } from "./api/metrics.ts";
import type { OperatorCallLimit } from "./api/operator-concurrency.ts";
import type { RevisionBus } from "./bus.ts";
import type { Leadership } from "./cluster/leadership.ts";
import type { Env } from "./env.ts";
import type { GeoService } from "./geo.ts";
import type { Logger } from "./logger.ts";
import type { LoginPolicy } from "./auth/login.ts";
import type { TrustedProxies } from "./http/client-address.ts";
import type { AgentDownloadChecksums } from "./hub/agent-bundle-route.ts";
import type { LiveSetLookup } from "./hub/set-lookups.ts";
import type { TravelersContext } from "./travelers/context.ts";
import type { AlertHooks } from "./alerts/extension.ts";

/** What the agent hub tells the rest of the control plane, once it is attached. */
export interface AgentDirectory {
  /** Writes every connection's presence again (this replica's row was reaped while it was frozen). */
  rewritePresence(): void;
  /** Drops a server's connection at once (revoked, deleted). */
  disconnect(serverId: string, reason: string): void;
  /** Closes every agent connection (1001); the plane's close() waits for them otherwise. */
  close(): Promise<void>;
  /** The kernel's answer from the server's agent, if connected to this replica (explain). */
  lookupSets(serverId: string, address: string, timeoutMs: number): Promise<LiveSetLookup>;
}

export interface ControlPlaneApp {
  env: Env;
  prisma: PrismaClient;
  /** "external" when the caller passed its own Prisma client (tests). */
  databaseKind: DatabaseKind | "external";
  bus: RevisionBus;
  /** This process among the control planes on the same database. */
  replica: { id: string };
  /** Whether this replica runs the once-only jobs now. */
  leadership: Leadership;
  logger: Logger;
  metrics: Registry;
  /** The API's own metrics, registered on `metrics`. */
  apiMetrics: ApiMetrics;
  /** How many calls of each operator run and wait at once. */
  operatorCalls: OperatorCallLimit;
  /** The clock of every decision (expiry, TTLs); tests pass a fixed or movable one. */
  now: () => Date;
  /** Base URL for links and enrollment commands (PUBLIC_URL, else where we listen). */
  publicUrl(): string;
  loginPolicy: LoginPolicy;
  sourceFloors: SourceFloors;
  enrollmentTtlMs: number;
  isTrustedProxy: TrustedProxies;
  /** The travelers service (accounts, grants, links, verification), for the API and the travelers extension. */
  travelers: TravelersContext;
  /** Country and AS of an address, and a country's networks (loaded on first use). */
  geo: GeoService;
  /** Set by the agent hub extension when it attaches; absent = no hub in this process. */
  agents?: AgentDirectory;
  /** Set by the agent hub extension: the checksums of the files a new PBX downloads. */
  agentDownloads?: () => Promise<AgentDownloadChecksums>;
  /** Set by the alerts extension while it runs: what the hub and the API tell the alerts. */
  alerts?: AlertHooks;
  /** Set by the travelers extension when the IVR listens: the FastAGI server's port. */
  fastAgiPort?: number;
}
