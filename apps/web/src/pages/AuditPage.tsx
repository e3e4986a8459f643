import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type RouterInputs } from "../api/client.ts";
import { allOperators } from "../api/pages.ts";
import { AuditTable } from "../audit/AuditTable.tsx";
import { ExportCsvButton } from "../audit/ExportCsvButton.tsx";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { TenantSelect } from "../tenants/TenantSelect.tsx";
import { useTenants } from "../tenants/useTenants.ts";

type AuditFilters = Omit<Exclude<RouterInputs["audit"]["list"], void | undefined>, "cursor" | "limit">;

interface Draft {
  tenantId: string;
  actor: string;
  action: string;
  targetType: string;
  from: string;
  to: string;
}

const empty: Draft = { tenantId: "", actor: "", action: "", targetType: "", from: "", to: "" };

/** Only filled fields become filters; dates are the browser's local time. */
function filtersOf(draft: Draft): AuditFilters {
  const filters: AuditFilters = {};
  if (draft.tenantId) filters.tenantId = draft.tenantId;
  if (draft.actor.trim()) filters.actor = draft.actor.trim();
  if (draft.action.trim()) filters.action = draft.action.trim();
  if (draft.targetType.trim()) filters.targetType = draft.targetType.trim();
  if (draft.from) filters.from = new Date(draft.from).toISOString();
  if (draft.to) filters.to = new Date(draft.to).toISOString();
  return filters;
}

export function AuditPage() {
  const tenants = useTenants();
  const [draft, setDraft] = useState<Draft>(empty);
  const [filters, setFilters] = useState<AuditFilters>({});
  const events = useInfiniteQuery({
    queryKey: ["audit.list", filters],
    queryFn: ({ pageParam }) => api.audit.list.query({ ...filters, limit: 100, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const operators = useQuery({ queryKey: ["operators.list"], queryFn: () => allOperators(), staleTime: 60_000 });
  const field = (key: keyof Draft, label: string, type = "text", placeholder = "", list?: string) => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{label}</label>
      <input id={`audit-${key}`} type={type} value={draft[key]} placeholder={placeholder} list={list} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </div>
  );
  return (
    <>
      <PageHeader title="Audit log" description="Every change and security event, newest first." actions={<ExportCsvButton filters={filters} />} />
      <form
        className="filters"
        role="search"
        aria-label="Filter audit events"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(filtersOf(draft));
        }}
      >
        {(tenants.data?.length ?? 0) > 1 && (
          <div className="field">
            <label htmlFor="audit-tenant">Tenant</label>
            <TenantSelect id="audit-tenant" value={draft.tenantId} onChange={(tenantId) => setDraft({ ...draft, tenantId })} anyLabel="Any tenant" />
          </div>
        )}
        {field("action", "Action", "text", "entry. or entry.created")}
        {field("actor", "Actor", "text", "operator:<id>, system", "audit-actors")}
        <datalist id="audit-actors">
          <option value="system">system</option>
          {(operators.data ?? []).map((o) => (
            <option key={o.id} value={`operator:${o.id}`}>
              {o.name} ({o.email})
            </option>
          ))}
        </datalist>
        {field("targetType", "Target type", "text", "server, allowEntry")}
        {field("from", "From", "datetime-local")}
        {field("to", "Until", "datetime-local")}
        <div className="row filter-actions">
          <button type="submit" className="button primary">
            Apply filters
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(empty);
              setFilters({});
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorNotice error={events.error} />
      {events.isPending ? (
        <Loading what="audit events" />
      ) : (
        <>
          <AuditTable events={events.data?.pages.flatMap((p) => p.events) ?? []} />
          {events.hasNextPage && (
            <p>
              <button type="button" className="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
                {events.isFetchingNextPage ? "Loading…" : "Show older events"}
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}
