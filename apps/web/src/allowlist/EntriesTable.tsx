import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { Notice } from "../components/Notice.tsx";
import { useSession } from "../session/useSession.ts";
import "./allowlist.css";
import { EntryEditor } from "./EntryEditor.tsx";
import { ExpiryEditor } from "./ExpiryEditor.tsx";
import type { EntryView } from "./useEntries.ts";

interface Props {
  entries: EntryView[];
  /** Names for the ids entries are scoped to. */
  tenantNames: Map<string, string>;
  serverNames: Map<string, string>;
  canEdit: boolean;
}

function scopeText(entry: EntryView, tenantNames: Map<string, string>, serverNames: Map<string, string>): string {
  const tenant = entry.tenantId ? (tenantNames.get(entry.tenantId) ?? "tenant") : "";
  switch (entry.scope) {
    case "FLEET":
      return "whole fleet";
    case "TENANT":
      return `tenant ${tenant}`;
    case "GROUP":
      return `group ${entry.groupName ?? ""} of ${tenant}`;
    case "SERVER":
      return `server ${entry.serverId ? (serverNames.get(entry.serverId) ?? entry.serverId) : ""}`;
  }
}

/** The source as one unbreakable address, a country, or a host name that may break after its dots. */
function SourceCell({ entry }: { entry: EntryView }) {
  if (entry.kind === "ip") return <span className="address">{entry.source}</span>;
  if (entry.kind === "country") {
    return (
      <>
        <span className="address">{entry.source}</span> <Badge tone="neutral">country</Badge>
      </>
    );
  }
  const labels = entry.source.split(".");
  return (
    <>
      <span className="hostname">
        {labels.map((label, i) => (
          <Fragment key={i}>
            {label}
            {i < labels.length - 1 && (
              <>
                .<wbr />
              </>
            )}
          </Fragment>
        ))}
      </span>{" "}
      <Badge tone="neutral">FQDN</Badge>
    </>
  );
}

/**
 * What removing an entry does, said on its button: a tenant's or the fleet's entry shown on a
 * server's page closes on every server of its scope, not only this one. The source is in the
 * button's name for screen readers (its text, not an aria-label, so a label search for "Tenant"
 * never finds a button).
 */
function RemoveButton({ entry, scope, disabled, onRemove }: { entry: EntryView; scope: string; disabled: boolean; onRemove: () => void }) {
  const where = entry.scope === "SERVER" ? null : entry.scope === "FLEET" ? "the whole fleet" : scope;
  const confirm = where === null ? `Remove ${entry.source}? Its server closes it on the next sync.` : `Remove ${entry.source} from ${where}? Every server of ${where} closes it on its next sync.`;
  return (
    <button
      type="button"
      className="button small danger"
      disabled={disabled}
      onClick={() => {
        if (window.confirm(confirm)) onRemove();
      }}
    >
      Remove<span className="visually-hidden"> {entry.source}</span>
      {where !== null && ` from ${where}`}
    </button>
  );
}

export function EntriesTable({ entries, tenantNames, serverNames, canEdit }: Props) {
  const queryClient = useQueryClient();
  const session = useSession();
  const isMspAdmin = session.data?.role === "MSP_ADMIN";
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (entryId: string) => api.entries.remove.mutate({ entryId }),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  // Fleet-wide entries are the MSP's (travelers' entries are edited through their grants).
  const changeable = (entry: EntryView) => canEdit && (entry.scope !== "FLEET" || isMspAdmin);
  const editedEntry = entries.find((entry) => entry.id === editing);
  return (
    <div className="entries-table">
      {remove.error && <Notice tone="bad">{messageOf(remove.error)}</Notice>}
      {editedEntry && <EntryEditor key={editedEntry.id} entry={editedEntry} allowFleet={isMspAdmin} onDone={() => setEditing(null)} />}
      <DataTable
        label="Allow entries"
        rows={entries}
        rowKey={(entry) => entry.id}
        rowData={(entry) => ({ entry: entry.source })}
        empty="No entries match."
        columns={[
          { header: "Source", className: "mono entry-source", cell: (entry) => <SourceCell entry={entry} /> },
          { header: "Services", cell: (entry) => entry.services.join(", ") },
          { header: "Scope", cell: (entry) => scopeText(entry, tenantNames, serverNames) },
          { header: "Origin", cell: (entry) => entry.origin.toLowerCase() },
          {
            header: "Expires",
            cell: (entry) => (entry.expired ? <Badge tone="neutral">expired</Badge> : <ExpiryEditor entryId={entry.id} expiresAt={entry.expiresAt} source={entry.source} canEdit={changeable(entry)} />),
          },
          { header: "Comment", className: "entry-comment", cell: (entry) => entry.comment || <span className="muted">—</span> },
          canEdit && {
            header: "Actions",
            headerHidden: true,
            cell: (entry) => {
              if (!changeable(entry)) return <span className="muted small">{entry.scope === "FLEET" ? "fleet-wide (MSP)" : ""}</span>;
              return (
                <span className="row">
                  {entry.origin !== "TRAVELER" && (
                    <button type="button" className="button small" aria-label={`Edit ${entry.source}`} onClick={() => setEditing(entry.id)}>
                      Edit
                    </button>
                  )}
                  <RemoveButton entry={entry} scope={scopeText(entry, tenantNames, serverNames)} disabled={remove.isPending} onRemove={() => remove.mutate(entry.id)} />
                </span>
              );
            },
          },
        ]}
      />
    </div>
  );
}
