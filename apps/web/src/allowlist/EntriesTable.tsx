import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge } from "../components/Badge.tsx";
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
      <div className="table-wrap stack-on-phone">
        <table className="table" aria-label="Allow entries">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Services</th>
              <th scope="col">Scope</th>
              <th scope="col">Origin</th>
              <th scope="col">Expires</th>
              <th scope="col">Comment</th>
              {canEdit && <th scope="col"><span className="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && (
              <tr>
                <td className="empty" colSpan={canEdit ? 7 : 6}>
                  No entries match.
                </td>
              </tr>
            )}
            {entries.map((entry) => (
              <tr key={entry.id} data-entry={entry.source}>
                <td data-label="Source" className="mono">
                  {entry.source} {entry.kind === "fqdn" && <Badge tone="neutral">FQDN</Badge>}
                </td>
                <td data-label="Services">{entry.services.join(", ")}</td>
                <td data-label="Scope">{scopeText(entry, tenantNames, serverNames)}</td>
                <td data-label="Origin">{entry.origin.toLowerCase()}</td>
                <td data-label="Expires">
                  {entry.expired ? <Badge tone="neutral">expired</Badge> : <ExpiryEditor entryId={entry.id} expiresAt={entry.expiresAt} source={entry.source} canEdit={canEdit} />}
                </td>
                <td data-label="Comment">{entry.comment || <span className="muted">—</span>}</td>
                {canEdit && (
                  <td data-label="Actions">
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
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
