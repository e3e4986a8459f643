// Everything agents reach on the control plane's HTTP server: the WebSocket hub (upgrade at
// /agent), enrollment (POST /agent/enroll) and the agent bundle (GET /agent/gatehouse-agent.mjs).
// The control plane's startup hands requests and upgrades here first; false = not ours.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { PrismaClient } from "@gatehouse/db";
import { AGENT_WS_PATH, ENROLL_PATH, type ReportMessage } from "@gatehouse/protocol";
import { AgentHub } from "./agent-hub.ts";
import { AGENT_BUNDLE_PATH, DEFAULT_AGENT_BUNDLE_FILE, serveAgentBundle } from "./agent-bundle-route.ts";
import { handleEnrollRequest } from "./enroll-route.ts";
import type { DesiredSnapshot, RevisionFeed } from "./hub-types.ts";

export interface AgentRoutesOptions {
  prisma: PrismaClient;
  feed: RevisionFeed;
  loadSnapshot: (serverId: string) => Promise<DesiredSnapshot | null>;
  logger: Logger;
  heartbeatIntervalMs?: number;
  agentBundleFile?: string;
  /** The control plane's clock (token expiry, report and last-seen times). */
  now?: () => Date;
  /** Told of every report once stored (metrics, benchmarks). */
  onReport?: (serverId: string, report: ReportMessage) => void;
}

export interface AgentRoutes {
  hub: AgentHub;
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? "/", "http://localhost").pathname;
}

export function createAgentRoutes(options: AgentRoutesOptions): AgentRoutes {
  const logger = options.logger.child({ component: "agent-hub" });
  const hub = new AgentHub({ ...options, logger });
  return {
    hub,
    handleRequest(req, res) {
      const path = pathOf(req);
      if (path === ENROLL_PATH && req.method === "POST") {
        void handleEnrollRequest(req, res, {
          prisma: options.prisma,
          logger,
          onEnrolled: (serverId) => hub.disconnect(serverId, "this server was enrolled again"),
          ...(options.now ? { now: options.now } : {}),
        });
        return true;
      }
      if (path === AGENT_BUNDLE_PATH && (req.method === "GET" || req.method === "HEAD")) {
        void serveAgentBundle(res, options.agentBundleFile ?? DEFAULT_AGENT_BUNDLE_FILE);
        return true;
      }
      return false;
    },
    handleUpgrade(req, socket, head) {
      if (pathOf(req) !== AGENT_WS_PATH) return false;
      hub.handleUpgrade(req, socket, head);
      return true;
    },
    close: () => hub.close(),
  };
}
