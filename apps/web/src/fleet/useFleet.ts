import { useQuery } from "@tanstack/react-query";
import { allAgentStatus, allServers, type AgentStatus, type ServerView } from "../api/pages.ts";
import type { FleetRow } from "./fleetRow.ts";

/** How often the overview asks again: agents connect, report and drift in real time. */
const FLEET_POLL_MS = 3000;

/** servers.list says who owns a server and where it runs; fleet.status what its agent does. */
function fleetRowOf(server: ServerView, agent: AgentStatus | undefined): FleetRow {
  return {
    id: server.id,
    name: server.name,
    tenantId: server.tenantId,
    tenantName: server.tenantName,
    provider: server.provider,
    tags: server.tags,
    primaryAdminSource: server.primaryAdminSource,
    enrolled: agent?.enrolled ?? server.status === "enrolled",
    revoked: agent?.revoked ?? server.status === "revoked",
    online: agent?.online ?? server.online,
    desiredRevision: agent?.desiredRevision ?? server.revision,
    appliedRevision: agent?.appliedRevision ?? server.appliedRevision,
    lastDriftAt: agent?.lastDrift ? agent.lastDrift.at : null,
    unresolved: agent?.unresolved ?? [],
    errors: agent?.errors ?? [],
    lastSeenAt: agent ? agent.lastSeenAt : server.lastSeenAt,
  };
}

export function useFleet() {
  return useQuery({
    queryKey: ["fleet"],
    queryFn: async () => {
      const [servers, agents] = await Promise.all([allServers(), allAgentStatus()]);
      const byId = new Map(agents.map((a) => [a.serverId, a]));
      return servers.map((server) => fleetRowOf(server, byId.get(server.id)));
    },
    refetchInterval: FLEET_POLL_MS,
  });
}
