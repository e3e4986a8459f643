import { useState } from "react";
import { AddEntryForm } from "../allowlist/AddEntryForm.tsx";
import { EntriesTable } from "../allowlist/EntriesTable.tsx";
import { EntryFiltersForm } from "../allowlist/EntryFiltersForm.tsx";
import { ImportPanel } from "../allowlist/ImportPanel.tsx";
import type { EntryFilters } from "../allowlist/useEntries.ts";
import { usePagedEntries, type EntryQuery } from "../allowlist/usePagedEntries.ts";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { useServers } from "../servers/useServers.ts";
import type { Operator } from "../session/useSession.ts";
import { useTenants } from "../tenants/useTenants.ts";

const PAGE = 100;

export function AllowlistPage({ operator }: { operator: Operator }) {
  const [filters, setFilters] = useState<EntryQuery>({ includeExpired: false });
  const [importOpen, setImportOpen] = useState(false);
  const paged = usePagedEntries(filters, PAGE);
  const { entries } = paged;
  const tenants = useTenants();
  const servers = useServers();
  const canEdit = operator.role !== "VIEWER";
  const allowFleet = operator.role === "MSP_ADMIN";
  const tenantNames = new Map((tenants.data ?? []).map((t) => [t.id, t.name]));
  const serverNames = new Map((servers.data ?? []).map((s) => [s.id, s.name]));
  return (
    <>
      <PageHeader title="Allowlist" description="Who may reach your servers, for which services. Everyone else is dropped." />
      {canEdit && (
        <section className="panel" aria-labelledby="add-entry-heading">
          <h2 id="add-entry-heading">Allow a source</h2>
          <AddEntryForm defaultTenantId={operator.tenantId ?? ""} allowFleet={allowFleet} />
        </section>
      )}
      {canEdit && (
        // Mounted only while open: its fields stay out of the page (and its queries idle) until asked for.
        <details className="panel import-many" onToggle={(e) => setImportOpen(e.currentTarget.open)}>
          <summary>
            <h2>Import many</h2>
          </summary>
          {importOpen && <ImportPanel defaultTenantId={operator.tenantId ?? ""} allowFleet={allowFleet} />}
        </details>
      )}
      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading">Entries</h2>
        <EntryFiltersForm
          filters={{ ...filters, limit: PAGE }}
          onChange={({ limit: _limit, cursor: _cursor, ...f }: EntryFilters) => setFilters(f)}
          showTenant={(tenants.data?.length ?? 0) > 1}
          servers={servers.data ?? []}
        />
        <ErrorNotice error={entries.error} />
        {entries.isPending ? (
          <Loading what="entries" />
        ) : (
          entries.data && (
            <>
              <p className="muted" role="status" data-testid="entries-count">
                {paged.total === 0 ? "No entries" : `Entries ${paged.from}–${paged.to} of ${paged.total}`}
              </p>
              <EntriesTable entries={entries.data.entries} tenantNames={tenantNames} serverNames={serverNames} canEdit={canEdit} />
              {(paged.previous || paged.next) && (
                <p className="row">
                  <button type="button" className="button" disabled={!paged.previous} onClick={() => paged.previous?.()}>
                    Previous page
                  </button>
                  <button type="button" className="button" disabled={!paged.next} onClick={() => paged.next?.()}>
                    Next page
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
