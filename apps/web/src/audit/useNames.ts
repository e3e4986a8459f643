// Audit events name people and things by id ("operator:<uuid>", target "server" <uuid>); the
// log reads better with names. Ids the operator cannot see (other tenants') stay as ids.
import { useQuery } from "@tanstack/react-query";
import { allOperators, allServers, allTenants, allTravelers } from "../api/pages.ts";

export interface Names {
  actor(actor: string): string;
  target(type: string | null | undefined, id: string | null | undefined): string;
}

const shortId = (id: string) => id.slice(0, 8);

export function useNames(): Names {
  const options = { staleTime: 60_000 };
  const operators = useQuery({ queryKey: ["operators.list"], queryFn: () => allOperators(), ...options });
  const servers = useQuery({ queryKey: ["servers.list", ""], queryFn: () => allServers(), ...options });
  const travelers = useQuery({ queryKey: ["travelers.list", ""], queryFn: () => allTravelers(), ...options });
  const tenants = useQuery({ queryKey: ["tenants.list"], queryFn: () => allTenants(), ...options });
  const byKind: Record<string, Map<string, string>> = {
    operator: new Map((operators.data ?? []).map((o) => [o.id, o.name || o.email])),
    server: new Map((servers.data ?? []).map((s) => [s.id, s.name])),
    agent: new Map((servers.data ?? []).map((s) => [s.id, s.name])),
    traveler: new Map((travelers.data ?? []).map((t) => [t.id, t.name])),
    tenant: new Map((tenants.data ?? []).map((t) => [t.id, t.name])),
  };
  const nameOf = (kind: string, id: string) => byKind[kind]?.get(id);
  return {
    actor(actor) {
      const [kind, id] = actor.split(":", 2);
      if (!kind || !id) return actor;
      return `${kind} ${nameOf(kind, id) ?? shortId(id)}`;
    },
    target(type, id) {
      if (!type) return "—";
      if (!id) return type;
      return `${type} ${nameOf(type, id) ?? shortId(id)}`;
    },
  };
}
