import { useState } from "react";
import { AddEntryForm } from "../allowlist/AddEntryForm.tsx";
import { EntriesTable } from "../allowlist/EntriesTable.tsx";
import { EntryFiltersForm } from "../allowlist/EntryFiltersForm.tsx";
import { useEntries, type EntryFilters } from "../allowlist/useEntries.ts";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { useServers } from "../servers/useServers.ts";
import type { Operator } from "../session/useSession.ts";
import { useTenants } from "../tenants/useTenants.ts";

const PAGE = 100;

export function AllowlistPage({ operator }: { operator: Operator }) {
  const [filters, setFilters] = useState<EntryFilters>({ limit: PAGE, includeExpired: false });
  const entries = useEntries(filters);
  const tenants = useTenants();
  const servers = useServers();
  const canEdit = operator.role !== "VIEWER";
  const tenantNames = new Map((tenants.data ?? []).map((t) => [t.id, t.name]));
  const serverNames = new Map((servers.data ?? []).map((s) => [s.id, s.name]));
  return (
    <>
      <PageHeader title="Allowlist" description="Who may reach your servers, for which services. Everyone else is dropped." />
      {canEdit && (
        <section className="panel" aria-labelledby="add-entry-heading">
          <h2 id="add-entry-heading">Allow a source</h2>
          <AddEntryForm defaultTenantId={operator.tenantId ?? ""} allowFleet={operator.role === "MSP_ADMIN"} />
        </section>
      )}
      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading">Entries</h2>
        <EntryFiltersForm filters={filters} onChange={(f) => setFilters({ ...f, limit: PAGE })} showTenant={(tenants.data?.length ?? 0) > 1} servers={servers.data ?? []} />
        <ErrorNotice error={entries.error} />
        {entries.isPending ? (
          <Loading what="entries" />
        ) : (
          entries.data && (
            <>
              <EntriesTable entries={entries.data.entries} tenantNames={tenantNames} serverNames={serverNames} canEdit={canEdit} />
              {entries.data.nextCursor && (filters.limit ?? PAGE) < 500 && (
                <p>
                  <button type="button" className="button" onClick={() => setFilters({ ...filters, limit: Math.min(500, (filters.limit ?? PAGE) + PAGE) })}>
                    Show more
                  </button>
                </p>
              )}
            </>
          )
        )}
      </section>
    </>
  );
}
