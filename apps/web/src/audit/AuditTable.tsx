import { DataTable } from "../components/DataTable.tsx";
import { When } from "../components/When.tsx";
import { useNames } from "./useNames.ts";

export interface AuditRow {
  id: string;
  at: string | Date;
  actor: string;
  action: string;
  tenantId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** What the event's own record calls its target (an entry's source, a grant's address), if anything. */
function recordedName(event: AuditRow): string | null {
  for (const record of [event.after, event.before]) {
    if (record && typeof record === "object") {
      const fields = record as Record<string, unknown>;
      for (const key of ["source", "address", "name", "email"]) if (typeof fields[key] === "string") return fields[key];
    }
  }
  return null;
}

function Change({ before, after }: { before: unknown; after: unknown }) {
  if (before == null && after == null) return <span className="muted">—</span>;
  return (
    <details>
      <summary>details</summary>
      {before != null && (
        <>
          <div className="small muted">before</div>
          <pre className="listing small">{JSON.stringify(before, null, 2)}</pre>
        </>
      )}
      {after != null && (
        <>
          <div className="small muted">after</div>
          <pre className="listing small">{JSON.stringify(after, null, 2)}</pre>
        </>
      )}
    </details>
  );
}

export function AuditTable({ events, label = "Audit events" }: { events: AuditRow[]; label?: string }) {
  const names = useNames();
  return (
    <DataTable
      label={label}
      rows={events}
      rowKey={(event) => event.id}
      empty="No events."
      columns={[
        { header: "When", cell: (event) => <When at={event.at} /> },
        { header: "Actor", title: (event) => event.actor, cell: (event) => names.actor(event.actor) },
        { header: "Action", className: "mono", cell: (event) => event.action },
        {
          header: "Target",
          title: (event) => event.targetId ?? undefined,
          cell: (event) => (event.targetType && recordedName(event) ? `${event.targetType} ${recordedName(event)}` : names.target(event.targetType, event.targetId)),
        },
        { header: "Change", cell: (event) => <Change before={event.before} after={event.after} /> },
      ]}
    />
  );
}
