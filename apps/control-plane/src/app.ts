// What the running control plane is made of, handed to the tRPC context, to the expiry sweeper
// and to extensions (the agent hub, the traveler link page): one object, built in server.ts.
import type { DatabaseKind, PrismaClient } from "@gatehouse/db";
import type { SourceFloors } from "@gatehouse/core";
import type { Registry } from "prom-client";
import type { RevisionBus } from "./bus.ts";
import type { Env } from "./env.ts";
import type { Logger } from "./logger.ts";
import type { LoginPolicy } from "./auth/login.ts";
import type { TrustedProxies } from "./http/client-address.ts";
import type { AgentPresence } from "./hub/hub-types.ts";
import type { AgentDownloadChecksums } from "./hub/agent-bundle-route.ts";

/** What the agent hub tells the rest of the control plane, once it is attached. */
export interface AgentDirectory {
  /** Servers with a live agent connection in this process, and since when. */
  onlineServers(): ReadonlyMap<string, AgentPresence>;
  /** Drops a server's connection at once (revoked, deleted). */
  disconnect(serverId: string, reason: string): void;
}

export interface ControlPlaneApp {
  env: Env;
  prisma: PrismaClient;
  /** "external" when the caller passed its own Prisma client (tests). */
  databaseKind: DatabaseKind | "external";
  bus: RevisionBus;
  logger: Logger;
  metrics: Registry;
  /** The clock of every decision (expiry, TTLs); tests pass a fixed or movable one. */
  now: () => Date;
  /** Base URL for links and enrollment commands (PUBLIC_URL, else where we listen). */
  publicUrl(): string;
  loginPolicy: LoginPolicy;
  sourceFloors: SourceFloors;
  enrollmentTtlMs: number;
  isTrustedProxy: TrustedProxies;
  /** Set by the agent hub extension when it attaches; absent = no hub in this process. */
  agents?: AgentDirectory;
  /** Set by the agent hub extension: the checksums of the files a new PBX downloads. */
  agentDownloads?: () => Promise<AgentDownloadChecksums>;
}
