// Which sources are allowed already, for the "allowed until …" of a row: live entries reaching
// the server (or the tenant's own and fleet-wide entries on a tenant's view), by exact source.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type { KnockScope } from "./useKnocks.ts";

const ENTRIES_POLL_MS = 10_000;

/** source -> expiry (null: without end); the latest expiry when two entries name it. */
export function useAllowedSources(scope: KnockScope) {
  const filters = scope.kind === "server" ? { serverId: scope.serverId } : { tenantId: scope.tenantId };
  return useQuery({
    queryKey: ["entries.list", { ...filters, limit: 500, includeExpired: false, for: "knocks" }],
    queryFn: async () => {
      const { entries } = await api.entries.list.query({ ...filters, limit: 500, includeExpired: false });
      const allowed = new Map<string, string | null>();
      for (const entry of entries) {
        if (scope.kind === "tenant" && entry.scope !== "TENANT" && entry.scope !== "FLEET") continue;
        const known = allowed.get(entry.source);
        const later = known === undefined || (known !== null && (entry.expiresAt === null || entry.expiresAt > known));
        if (later) allowed.set(entry.source, entry.expiresAt);
      }
      return allowed;
    },
    refetchInterval: ENTRIES_POLL_MS,
  });
}
