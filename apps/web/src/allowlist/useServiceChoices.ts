// The services an entry may open: the core catalogue plus the operators' custom services.
import { useQuery } from "@tanstack/react-query";
import { SERVICE_CATALOGUE } from "@gatehouse/core";
import { api } from "../api/client.ts";

export interface ServiceChoice {
  id: string;
  label: string;
}

function portsText(ports: readonly { protocol: string; from: number; to: number }[]): string {
  return ports.map((p) => `${p.protocol} ${p.from === p.to ? p.from : `${p.from}-${p.to}`}`).join(", ");
}

const catalogueChoices: ServiceChoice[] = SERVICE_CATALOGUE.map((s) => ({
  id: s.id,
  label: s.ports.length > 0 ? `${s.name} (${portsText(s.ports)})` : s.name,
}));

export function useServiceChoices(tenantId: string): ServiceChoice[] {
  const custom = useQuery({
    queryKey: ["customServices.list", tenantId],
    queryFn: () => api.customServices.list.query(tenantId ? { tenantId } : {}),
    staleTime: 30_000,
  });
  const customChoices = (custom.data ?? []).map((s) => ({
    id: s.id,
    label: `${s.name} (${portsText([{ protocol: s.protocol, from: s.portFrom, to: s.portTo }])})`,
  }));
  return [...catalogueChoices, ...customChoices];
}
