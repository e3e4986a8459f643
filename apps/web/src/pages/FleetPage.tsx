import { useMemo, useState } from "react";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { FleetFiltersForm } from "../fleet/FleetFiltersForm.tsx";
import { filterFleet, sortFleet, summarise, type FleetFilters, type FleetSort } from "../fleet/fleetRow.ts";
import { FleetSummaryBar } from "../fleet/FleetSummaryBar.tsx";
import { FleetTable } from "../fleet/FleetTable.tsx";
import { useFleet } from "../fleet/useFleet.ts";
import { useFleetTrend } from "../fleet/useFleetTrend.ts";
import { hrefFor } from "../routing/routes.ts";
import type { Operator } from "../session/useSession.ts";

export function FleetPage({ operator }: { operator: Operator }) {
  const fleet = useFleet();
  const trend = useFleetTrend();
  const [filters, setFilters] = useState<FleetFilters>({ tenantId: "", tag: "", status: "all", search: "" });
  const [sort, setSort] = useState<FleetSort>("name");
  const rows = fleet.data ?? [];
  const now = new Date(fleet.dataUpdatedAt || Date.now());
  const tenants = useMemo(() => uniqueBy(rows.map((r) => ({ id: r.tenantId, name: r.tenantName }))), [rows]);
  const tags = useMemo(() => [...new Set(rows.flatMap((r) => r.tags))].sort(), [rows]);
  const shown = sortFleet(filterFleet(rows, filters, now), sort, now);
  return (
    <>
      <PageHeader
        title="Fleet"
        description={operator.tenantName ? `Servers of ${operator.tenantName}` : "Every server of every tenant"}
        actions={
          operator.role !== "VIEWER" && (
            <a className="button primary" href={hrefFor({ page: "new-server" })}>
              Add server
            </a>
          )
        }
      />
      <ErrorNotice error={fleet.error} />
      {fleet.isPending ? (
        <Loading what="the fleet" />
      ) : (
        <>
          <FleetSummaryBar
            summary={summarise(rows, now)}
            showingProblems={filters.status === "problems"}
            onShowProblems={(on) => setFilters({ ...filters, status: on ? "problems" : "all" })}
          />
          <FleetFiltersForm filters={filters} onChange={setFilters} sort={sort} onSort={setSort} tenants={tenants} tags={tags} />
          <p className="muted small" aria-live="polite">
            Showing {shown.length} of {rows.length} servers · updates every few seconds
          </p>
          <FleetTable rows={shown} now={now} trend={trend.data} />
        </>
      )}
    </>
  );
}

function uniqueBy(tenants: { id: string; name: string }[]): { id: string; name: string }[] {
  const byId = new Map(tenants.map((t) => [t.id, t]));
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}
