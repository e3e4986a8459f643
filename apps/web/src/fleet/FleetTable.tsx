import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { When } from "../components/When.tsx";
import { hrefFor } from "../routing/routes.ts";
import type { FleetRow } from "./fleetRow.ts";
import { KnockTrendCell } from "./KnockTrendCell.tsx";
import type { KnockTrend } from "./useFleetTrend.ts";
import { ConnectionBadge, DriftCell, RevisionCell, UnresolvedList } from "./ServerHealth.tsx";

/** `trend`: each server's blocked attempts in the last 24 h (servers absent dropped nothing). */
export function FleetTable({ rows, now, trend }: { rows: FleetRow[]; now: Date; trend: ReadonlyMap<string, KnockTrend> | undefined }) {
  return (
    <DataTable
      label="Servers"
      rows={rows}
      rowKey={(row) => row.id}
      rowData={(row) => ({ server: row.name })}
      empty="No servers match."
      columns={[
        {
          header: "Server",
          cell: (row) => (
            <>
              <a href={hrefFor({ page: "server", serverId: row.id })}>{row.name}</a>
              {row.tags.length > 0 && <div className="small muted">{row.tags.join(", ")}</div>}
              {row.primaryAdminSource === null && (
                <div title="Only the allowlist reaches this server: one wrong entry locks everyone out. Set a primary admin address on its page.">
                  <Badge tone="bad">no admin address</Badge>
                </div>
              )}
            </>
          ),
        },
        { header: "Tenant", cell: (row) => row.tenantName },
        { header: "Provider", cell: (row) => row.provider },
        { header: "Status", cell: (row) => <ConnectionBadge row={row} /> },
        { header: "Revision", label: "Revision (desired / applied)", cell: (row) => <RevisionCell row={row} /> },
        { header: "Drift", cell: (row) => <DriftCell row={row} now={now} /> },
        { header: "Blocked (24 h)", label: "Blocked attempts (24 h)", cell: (row) => (trend ? <KnockTrendCell serverId={row.id} trend={trend.get(row.id)} /> : <span className="muted">…</span>) },
        { header: "Unresolved FQDNs", cell: (row) => <UnresolvedList unresolved={row.unresolved} /> },
        { header: "Last seen", cell: (row) => <When at={row.lastSeenAt} /> },
      ]}
    />
  );
}
