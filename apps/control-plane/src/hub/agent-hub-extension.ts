// The agent hub as a control-plane extension: agents' WebSocket upgrades at /agent, enrollment,
// the agent bundle and its unit on the control plane's HTTP server; revisions from the RevisionBus;
// snapshots from loadDesiredStates in batches (snapshot-loader.ts); and the hub published as
// app.agents for the API.
import type { ReportMessage } from "@gatehouse/protocol";
import type { ControlPlaneApp } from "../app.ts";
import type { ControlPlaneExtension } from "../extension.ts";
import { createAgentRoutes } from "./agent-routes.ts";
import { countryNetworksAnswerer } from "./country-networks.ts";
import { batchedSnapshotLoader } from "./snapshot-loader.ts";

export interface AgentHubExtensionOptions {
  /** Ping interval (default 15 s); an agent that misses one pong is cut off. */
  heartbeatIntervalMs?: number;
  /** The agent bundle served at /agent/gatehouse-agent.mjs (default apps/agent/dist). */
  agentBundleFile?: string;
  /** The systemd unit served at /agent/gatehouse-agent.service (default infra/systemd). */
  agentUnitFile?: string;
  /** Told of every report once stored (metrics, benchmarks). */
  onReport?: (serverId: string, report: ReportMessage) => void;
}

/**
 * Closes the hub of a running control plane (every agent connection, with 1001). The control
 * plane's close() waits for the HTTP server, which waits for upgraded sockets, before it
 * closes extensions: call this first while agents are connected.
 */
export async function closeAgentHub(app: ControlPlaneApp): Promise<void> {
  await app.agents?.close();
}

export function agentHubExtension(options: AgentHubExtensionOptions = {}): ControlPlaneExtension {
  return ({ app }) => {
    const snapshots = batchedSnapshotLoader(app.prisma, app.now);
    const routes = createAgentRoutes({
      prisma: app.prisma,
      feed: app.bus,
      replicaId: app.replica.id,
      logger: app.logger,
      now: app.now,
      loadSnapshot: (serverId) => snapshots.load(serverId),
      snapshotsIdle: () => snapshots.idle(),
      countryNetworks: countryNetworksAnswerer(app.geo),
      ...options,
      onReport: (serverId, report) => {
        options.onReport?.(serverId, report);
        app.alerts?.agentReported(serverId, report);
      },
      onPresence: (serverId, online) => app.alerts?.agentPresence(serverId, online),
    });
    app.agents = routes.hub;
    app.agentDownloads = () => routes.downloadChecksums();
    return {
      handleRequest: (req, res) => routes.handleRequest(req, res),
      handleUpgrade: (req, socket, head) => routes.handleUpgrade(req, socket, head),
      close: () => routes.close(),
    };
  };
}
