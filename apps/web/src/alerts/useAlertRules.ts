import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";

export const alertRulesKey = ["alerts.list"] as const;
export const alertDeliveriesKey = ["alerts.deliveries"] as const;

export const ALERT_KINDS = [
  { kind: "server.offline", label: "Server offline" },
  { kind: "server.drift", label: "Firewall drift repaired" },
  { kind: "server.rolled_back", label: "Change rolled back" },
  { kind: "server.fqdn_unresolved", label: "FQDN does not resolve" },
  { kind: "traveler.locked_out", label: "Traveler locked out" },
  { kind: "operator.locked_out", label: "Operator locked out" },
] as const;

export type AlertKind = (typeof ALERT_KINDS)[number]["kind"];

export function useAlertRules() {
  return useQuery({ queryKey: alertRulesKey, queryFn: () => api.alerts.list.query({}) });
}

export function useAlertDeliveries() {
  return useQuery({ queryKey: alertDeliveriesKey, queryFn: () => api.alerts.deliveries.query({ limit: 20 }), refetchInterval: 5_000 });
}
