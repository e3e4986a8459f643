import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";

/** The tenants the operator may see: all of them for an MSP admin, else their own. */
export function useTenants() {
  return useQuery({ queryKey: ["tenants.list"], queryFn: () => api.tenants.list.query(), staleTime: 30_000 });
}
