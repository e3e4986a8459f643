import { useQuery } from "@tanstack/react-query";
import { allGrants, allTravelers } from "../api/pages.ts";

export type { GrantView, TravelerView } from "../api/pages.ts";

export function useTravelers(tenantId: string) {
  return useQuery({
    queryKey: ["travelers.list", tenantId],
    queryFn: () => allTravelers(tenantId ? { tenantId } : {}),
    enabled: tenantId !== "",
  });
}

/** Active grants of the tenant's travelers; they appear by phone at any moment, so poll. */
export function useActiveGrants(tenantId: string) {
  return useQuery({
    queryKey: ["travelers.grants", tenantId],
    queryFn: () => allGrants({ tenantId, activeOnly: true }),
    enabled: tenantId !== "",
    refetchInterval: 10_000,
  });
}
