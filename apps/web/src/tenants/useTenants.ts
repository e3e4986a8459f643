import { useQuery } from "@tanstack/react-query";
import { allTenants } from "../api/pages.ts";

/** The tenants the operator may see: all of them for an MSP admin, else their own. */
export function useTenants() {
  return useQuery({ queryKey: ["tenants.list"], queryFn: () => allTenants(), staleTime: 30_000 });
}
