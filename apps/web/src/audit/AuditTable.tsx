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
    <div className="table-wrap stack-on-phone">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td className="empty" colSpan={5}>
                No events.
              </td>
            </tr>
          )}
          {events.map((event) => (
            <tr key={event.id}>
              <td data-label="When">
                <When at={event.at} />
              </td>
              <td data-label="Actor" title={event.actor}>
                {names.actor(event.actor)}
              </td>
              <td data-label="Action" className="mono">
                {event.action}
              </td>
              <td data-label="Target" title={event.targetId ?? undefined}>
                {event.targetType && recordedName(event) ? `${event.targetType} ${recordedName(event)}` : names.target(event.targetType, event.targetId)}
              </td>
              <td data-label="Change">
                <Change before={event.before} after={event.after} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
