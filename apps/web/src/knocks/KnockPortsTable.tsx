// The ports tried most in the range: what the scanners are after.
import { DataTable } from "../components/DataTable.tsx";
import { countText } from "./knockMath.ts";
import type { KnockPortRow } from "./useKnocks.ts";

/** The catalogue service a port belongs to, for the reader ("SIP", "SSH"). */
type ServiceOfPort = (port: KnockPortRow) => string | undefined;

export function KnockPortsTable({ ports, serviceOf }: { ports: readonly KnockPortRow[]; serviceOf: ServiceOfPort }) {
  return (
    <DataTable
      label="Ports tried"
      rows={ports}
      rowKey={(row) => `${row.protocol}/${row.port}`}
      rowData={(row) => ({ port: `${row.protocol}/${row.port}` })}
      empty="No port was tried in this range."
      columns={[
        { header: "Port", cell: (row) => <span className="mono">{`${row.protocol}/${row.port}`}</span> },
        { header: "Service", cell: (row) => serviceOf(row) ?? <span className="muted">none of ours</span> },
        { header: "Packets", className: "numeric", cell: (row) => countText(row.packets) },
        { header: "Sources", cell: (row) => countText(row.sources) },
      ]}
    />
  );
}
