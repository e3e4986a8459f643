import { Badge } from "../components/Badge.tsx";
import { When } from "../components/When.tsx";
import { hasRecentDrift, isBehind, type FleetRow } from "./fleetRow.ts";

export function ConnectionBadge({ row }: { row: FleetRow }) {
  if (row.revoked) return <Badge tone="neutral">revoked</Badge>;
  if (!row.enrolled) return <Badge tone="neutral">awaiting enrollment</Badge>;
  return row.online ? <Badge tone="ok">online</Badge> : <Badge tone="bad">offline</Badge>;
}

export function RevisionCell({ row }: { row: FleetRow }) {
  return (
    <span className="row">
      <span className="mono" title="desired / applied revision">
        {row.desiredRevision} / {row.appliedRevision ?? "—"}
      </span>
      {row.enrolled && (isBehind(row) ? <Badge tone="warn">behind</Badge> : <Badge tone="ok">in sync</Badge>)}
    </span>
  );
}

export function DriftCell({ row, now }: { row: FleetRow; now: Date }) {
  if (!row.lastDriftAt) return <span className="muted">none</span>;
  return (
    <span className="row">
      {hasRecentDrift(row, now) ? <Badge tone="warn">repaired</Badge> : <Badge tone="neutral">repaired</Badge>}
      <When at={row.lastDriftAt} />
    </span>
  );
}

export function UnresolvedList({ unresolved }: { unresolved: FleetRow["unresolved"] }) {
  if (unresolved.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="plain-list">
      {unresolved.map((u) => (
        <li key={u.fqdn} className="mono" title={u.error}>
          <Badge tone="warn">unresolved</Badge> {u.fqdn}
        </li>
      ))}
    </ul>
  );
}
