import { When } from "../components/When.tsx";
import { hrefFor } from "../routing/routes.ts";
import type { FleetRow } from "./fleetRow.ts";
import { ConnectionBadge, DriftCell, RevisionCell, UnresolvedList } from "./ServerHealth.tsx";

export function FleetTable({ rows, now }: { rows: FleetRow[]; now: Date }) {
  return (
    <div className="table-wrap stack-on-phone">
      <table className="table" aria-label="Servers">
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Tenant</th>
            <th scope="col">Provider</th>
            <th scope="col">Status</th>
            <th scope="col">Revision</th>
            <th scope="col">Drift</th>
            <th scope="col">Unresolved FQDNs</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td className="empty" colSpan={8}>
                No servers match.
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.id} data-server={row.name}>
              <td data-label="Server">
                <a href={hrefFor({ page: "server", serverId: row.id })}>{row.name}</a>
                {row.tags.length > 0 && <div className="small muted">{row.tags.join(", ")}</div>}
              </td>
              <td data-label="Tenant">{row.tenantName}</td>
              <td data-label="Provider">{row.provider}</td>
              <td data-label="Status">
                <ConnectionBadge row={row} />
              </td>
              <td data-label="Revision (desired / applied)">
                <RevisionCell row={row} />
              </td>
              <td data-label="Drift">
                <DriftCell row={row} now={now} />
              </td>
              <td data-label="Unresolved FQDNs">
                <UnresolvedList unresolved={row.unresolved} />
              </td>
              <td data-label="Last seen">
                <When at={row.lastSeenAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
