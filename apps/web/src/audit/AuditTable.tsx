// Audit events as the control plane describes them (services/audit-readable.ts): who by name,
// what happened in a sentence, the target linked to its page, and before/after as a diff.
import type { RouterOutputs } from "../api/client.ts";
import { DataTable } from "../components/DataTable.tsx";
import { When } from "../components/When.tsx";
import { hrefFor } from "../routing/routes.ts";
import { ChangeDiff } from "./ChangeDiff.tsx";

type AuditEvent = RouterOutputs["audit"]["list"]["events"][number];

function Target({ event }: { event: AuditEvent }) {
  const name = event.targetName ?? event.targetType ?? "—";
  if (!event.link) return <>{name}</>;
  return <a href={hrefFor(event.link)}>{name}</a>;
}

export function AuditTable({ events, label = "Audit events" }: { events: AuditEvent[]; label?: string }) {
  return (
    <DataTable
      label={label}
      rows={events}
      rowKey={(event) => event.id}
      empty="No events."
      columns={[
        { header: "When", cell: (event) => <When at={event.at} /> },
        { header: "Actor", title: (event) => event.actor, cell: (event) => event.actorName },
        {
          header: "What",
          cell: (event) => (
            <>
              {event.summary}
              <div className="small muted mono">{event.action}</div>
            </>
          ),
        },
        {
          header: "Target",
          title: (event) => event.targetId ?? undefined,
          cell: (event) => (
            <>
              <Target event={event} />
              <div className="small muted">{event.tenantName ?? "fleet"}</div>
            </>
          ),
        },
        { header: "Changes", cell: (event) => <ChangeDiff changes={event.changes} /> },
      ]}
    />
  );
}
