import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";

const customServicesKey = ["customServices.list"] as const;

/** The fleet's custom services and the caller's tenant's (every tenant's for an MSP admin). */
export function useCustomServices() {
  return useQuery({ queryKey: customServicesKey, queryFn: () => api.customServices.list.query({}) });
}
