import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { Notice } from "../components/Notice.tsx";
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

export function EntriesTable({ entries, tenantNames, serverNames, canEdit }: Props) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (entryId: string) => api.entries.remove.mutate({ entryId }),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return (
    <>
      {remove.error && <Notice tone="bad">{messageOf(remove.error)}</Notice>}
      <DataTable
        label="Allow entries"
        rows={entries}
        rowKey={(entry) => entry.id}
        rowData={(entry) => ({ entry: entry.source })}
        empty="No entries match."
        columns={[
          {
            header: "Source",
            className: "mono",
            cell: (entry) => (
              <>
                {entry.source} {entry.kind === "fqdn" && <Badge tone="neutral">FQDN</Badge>}
              </>
            ),
          },
          { header: "Services", cell: (entry) => entry.services.join(", ") },
          { header: "Scope", cell: (entry) => scopeText(entry, tenantNames, serverNames) },
          { header: "Origin", cell: (entry) => entry.origin.toLowerCase() },
          {
            header: "Expires",
            cell: (entry) => (entry.expired ? <Badge tone="neutral">expired</Badge> : <ExpiryEditor entryId={entry.id} expiresAt={entry.expiresAt} source={entry.source} canEdit={canEdit} />),
          },
          { header: "Comment", cell: (entry) => entry.comment || <span className="muted">—</span> },
          canEdit && {
            header: "Actions",
            headerHidden: true,
            cell: (entry) => (
              <button
                type="button"
                className="button small danger"
                disabled={remove.isPending}
                aria-label={`Remove ${entry.source}`}
                onClick={() => {
                  if (window.confirm(`Remove ${entry.source}? Servers in its scope close it on their next sync.`)) remove.mutate(entry.id);
                }}
              >
                Remove
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
