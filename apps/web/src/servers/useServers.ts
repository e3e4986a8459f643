import { useQuery } from "@tanstack/react-query";
import { allServers } from "../api/pages.ts";

export function useServers(tenantId = "") {
  return useQuery({
    queryKey: ["servers.list", tenantId],
    queryFn: () => allServers(tenantId ? { tenantId } : {}),
    staleTime: 10_000,
  });
}
