// Everything agents reach on the control plane's HTTP server: the WebSocket hub (upgrade at
// /agent), enrollment (POST /agent/enroll), the agent bundle and its systemd unit
// (GET /agent/gatehouse-agent.mjs, /agent/gatehouse-agent.service).
// The control plane's startup hands requests and upgrades here first; false = not ours.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { PrismaClient } from "@gatehouse/db";
import { AGENT_WS_PATH, ENROLL_PATH, type CountryNetworksRequest, type ReportMessage } from "@gatehouse/protocol";
import { AgentHub } from "./agent-hub.ts";
import {
  AGENT_BUNDLE_PATH,
  AGENT_UNIT_PATH,
  agentDownloadChecksums,
  DEFAULT_AGENT_BUNDLE_FILE,
  DEFAULT_AGENT_UNIT_FILE,
  serveAgentBundle,
  serveAgentUnit,
  type AgentDownloadChecksums,
} from "./agent-bundle-route.ts";
import { handleEnrollRequest } from "./enroll-route.ts";
import type { DesiredSnapshot, RevisionFeed } from "./hub-types.ts";

export interface AgentRoutesOptions {
  prisma: PrismaClient;
  feed: RevisionFeed;
  /** This replica: agents connected here are recorded under it. */
  replicaId: string;
  loadSnapshot: (serverId: string) => Promise<DesiredSnapshot | null>;
  /** See AgentHubOptions. */
  snapshotsIdle?: () => Promise<void>;
  logger: Logger;
  heartbeatIntervalMs?: number;
  agentBundleFile?: string;
  agentUnitFile?: string;
  /** The control plane's clock (token expiry, report and last-seen times). */
  now?: () => Date;
  /** Told of every report once stored (metrics, benchmarks). */
  onReport?: (serverId: string, report: ReportMessage) => void;
  /** Told when a server's agent connects or disconnects (alerts). */
  onPresence?: (serverId: string, online: boolean) => void;
  /** Answers agents' country-networks requests (hub/country-networks.ts). */
  countryNetworks?: (request: CountryNetworksRequest) => Promise<string>;
}

export interface AgentRoutes {
  hub: AgentHub;
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The SHA-256 of the bundle and unit served, for the printed install command. */
  downloadChecksums(): Promise<AgentDownloadChecksums>;
  close(): Promise<void>;
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? "/", "http://localhost").pathname;
}

export function createAgentRoutes(options: AgentRoutesOptions): AgentRoutes {
  const logger = options.logger.child({ component: "agent-hub" });
  const hub = new AgentHub({ ...options, logger });
  const files = { bundle: options.agentBundleFile ?? DEFAULT_AGENT_BUNDLE_FILE, unit: options.agentUnitFile ?? DEFAULT_AGENT_UNIT_FILE };
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
      const download = req.method === "GET" || req.method === "HEAD";
      if (path === AGENT_BUNDLE_PATH && download) {
        void serveAgentBundle(res, files.bundle);
        return true;
      }
      if (path === AGENT_UNIT_PATH && download) {
        void serveAgentUnit(res, files.unit);
        return true;
      }
      return false;
    },
    handleUpgrade(req, socket, head) {
      if (pathOf(req) !== AGENT_WS_PATH) return false;
      hub.handleUpgrade(req, socket, head);
      return true;
    },
    downloadChecksums: () => agentDownloadChecksums(files),
    close: () => hub.close(),
  };
}
