import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";

export function useServers(tenantId = "") {
  return useQuery({
    queryKey: ["servers.list", tenantId],
    queryFn: () => api.servers.list.query(tenantId ? { tenantId } : {}),
    staleTime: 10_000,
  });
}
