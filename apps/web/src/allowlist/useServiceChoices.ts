// The services an entry may open: the catalogue plus the operators' custom services, as the
// control plane lists them (services.catalogue), so the console need not bundle @gatehouse/core.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";

export interface ServiceChoice {
  id: string;
  label: string;
}

function portsText(ports: readonly { protocol: string; from: number; to: number }[]): string {
  return ports.map((p) => `${p.protocol} ${p.from === p.to ? p.from : `${p.from}-${p.to}`}`).join(", ");
}

export function useServiceChoices(tenantId: string): ServiceChoice[] {
  const services = useQuery({
    queryKey: ["services.catalogue", tenantId],
    queryFn: () => api.services.catalogue.query(tenantId ? { tenantId } : {}),
    staleTime: 30_000,
  });
  const catalogueChoices = (services.data?.catalogue ?? []).map((s) => ({
    id: s.id,
    label: s.ports.length > 0 ? `${s.name} (${portsText(s.ports)})` : s.name,
  }));
  const customChoices = (services.data?.custom ?? []).map((s) => ({
    id: s.id,
    label: `${s.name} (${portsText([{ protocol: s.protocol, from: s.portFrom, to: s.portTo }])})`,
  }));
  return [...catalogueChoices, ...customChoices];
}
