// The sources dropped most in the range: who, where from (country, network) when the control
// plane knows it, how much, when, which ports; and the one-click allow, or until when the
// source is allowed already.
import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { When } from "../components/When.tsx";
import { AllowSourceAction, type AllowScope } from "./AllowSourceAction.tsx";
import { countText, type ServicePorts } from "./knockMath.ts";
import type { KnockSourceRow } from "./useKnocks.ts";

interface Props {
  sources: readonly KnockSourceRow[];
  /** Live entries of this scope by source: their expiry (null: without end). */
  allowed: ReadonlyMap<string, string | null>;
  canAllow: boolean;
  scope: AllowScope;
  where: string;
  services: readonly (ServicePorts & { name: string })[];
}

const untilFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

function portsText(ports: readonly { protocol: string; port: number }[], tried: number): string {
  const listed = ports.slice(0, 5).map((p) => `${p.protocol}/${p.port}`).join(", ");
  return tried > Math.min(ports.length, 5) ? `${listed} (${countText(tried)} ports)` : listed;
}

function network(row: KnockSourceRow): string {
  if (row.asn === undefined || row.asn === null) return "";
  return `AS${row.asn}${row.asOrg ? ` ${row.asOrg}` : ""}`;
}

export function KnockSourcesTable({ sources, allowed, canAllow, scope, where, services }: Props) {
  const showsServers = sources.some((s) => s.servers !== undefined);
  return (
    <DataTable
      label="Top blocked sources"
      rows={sources}
      rowKey={(row) => row.source}
      rowData={(row) => ({ source: row.source })}
      empty="No source was dropped in this range."
      columns={[
        { header: "Source", className: "knock-source", cell: (row) => <span className="mono address">{row.source}</span> },
        { header: "Country", cell: (row) => row.country ?? <span className="muted">unknown</span> },
        { header: "Network", label: "ASN and organisation", cell: (row) => network(row) || <span className="muted">unknown</span> },
        { header: "Packets", className: "numeric", cell: (row) => countText(row.packets) },
        showsServers && { header: "Servers", cell: (row) => countText(row.servers ?? 0) },
        { header: "First seen", cell: (row) => <When at={row.firstSeenAt} /> },
        { header: "Last seen", cell: (row) => <When at={row.lastSeenAt} /> },
        { header: "Ports tried", cell: (row) => <span className="mono">{portsText(row.ports, row.portsTried)}</span> },
        {
          header: "Allow",
          headerHidden: true,
          cell: (row) => {
            if (allowed.has(row.source)) {
              const until = allowed.get(row.source) ?? null;
              if (until === null) return <Badge tone="ok">allowed, without end</Badge>;
              return (
                <time className="allowed-until" dateTime={until}>
                  allowed until {untilFormat.format(new Date(until))}
                </time>
              );
            }
            return canAllow ? <AllowSourceAction source={row.source} ports={row.ports} scope={scope} where={where} services={services} /> : null;
          },
        },
      ]}
    />
  );
}
