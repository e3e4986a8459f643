import { useQuery } from "@tanstack/react-query";
import { api, type RouterOutputs } from "../api/client.ts";

export type TravelerView = RouterOutputs["travelers"]["list"][number];
export type GrantView = RouterOutputs["travelers"]["grants"][number];

export function useTravelers(tenantId: string) {
  return useQuery({
    queryKey: ["travelers.list", tenantId],
    queryFn: () => api.travelers.list.query(tenantId ? { tenantId } : {}),
    enabled: tenantId !== "",
  });
}

/** Active grants of the tenant's travelers; they appear by phone at any moment, so poll. */
export function useActiveGrants(tenantId: string) {
  return useQuery({
    queryKey: ["travelers.grants", tenantId],
    queryFn: () => api.travelers.grants.query({ tenantId, activeOnly: true }),
    enabled: tenantId !== "",
    refetchInterval: 10_000,
  });
}
