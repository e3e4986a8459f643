// What the blocked-attempts page reads: for one server (knocks.series / top / ports) or one
// tenant's servers together (knocks.tenantSeries / tenantTop / tenantPorts), over `hours`.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type RouterOutputs } from "../api/client.ts";

/** Agents report every 5 minutes; asking every 30 s shows a report soon enough. */
const KNOCKS_POLL_MS = 30_000;

export type KnockScope = { kind: "server"; serverId: string } | { kind: "tenant"; tenantId: string };

type ServerSource = RouterOutputs["knocks"]["top"]["sources"][number];
type TenantSource = RouterOutputs["knocks"]["tenantTop"]["sources"][number];

/** A row of the top sources: geography when the control plane knows it, servers on a tenant's view. */
export type KnockSourceRow = Omit<ServerSource | TenantSource, "firstSeenAt" | "lastSeenAt"> & {
  firstSeenAt: string;
  lastSeenAt: string;
  servers?: number;
  country?: string | null;
  asn?: number | string | null;
  asOrg?: string | null;
};

export type KnockPortRow = RouterOutputs["knocks"]["ports"]["ports"][number];

const polled = { refetchInterval: KNOCKS_POLL_MS, placeholderData: keepPreviousData } as const;

export function useKnockSeries(scope: KnockScope, hours: number) {
  return useQuery({
    queryKey: ["knocks.series", scope, hours],
    queryFn: () => (scope.kind === "server" ? api.knocks.series.query({ serverId: scope.serverId, hours }) : api.knocks.tenantSeries.query({ tenantId: scope.tenantId, hours })),
    ...polled,
  });
}

export function useKnockSources(scope: KnockScope, hours: number) {
  return useQuery({
    queryKey: ["knocks.top", scope, hours],
    queryFn: async (): Promise<KnockSourceRow[]> =>
      scope.kind === "server" ? (await api.knocks.top.query({ serverId: scope.serverId, hours })).sources : (await api.knocks.tenantTop.query({ tenantId: scope.tenantId, hours })).sources,
    ...polled,
  });
}

export function useKnockPorts(scope: KnockScope, hours: number) {
  return useQuery({
    queryKey: ["knocks.ports", scope, hours],
    queryFn: async (): Promise<KnockPortRow[]> =>
      scope.kind === "server" ? (await api.knocks.ports.query({ serverId: scope.serverId, hours })).ports : (await api.knocks.tenantPorts.query({ tenantId: scope.tenantId, hours })).ports,
    ...polled,
  });
}
