import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { When } from "../components/When.tsx";

function localInputValue(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An entry's expiry, and a small form to change or clear it. */
export function ExpiryEditor({ entryId, expiresAt, source, canEdit }: { entryId: string; expiresAt: string | null; source: string; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(localInputValue(expiresAt));
  const save = useMutation({
    mutationFn: (next: string | null) => api.entries.setExpiry.mutate({ entryId, expiresAt: next }),
    onSuccess: async () => {
      setEditing(false);
      await queryClient.invalidateQueries();
    },
  });
  if (!editing) {
    return (
      <span className="row">
        <When at={expiresAt} never="never" />
        {canEdit && (
          <button type="button" className="button small" onClick={() => setEditing(true)} aria-label={`Change expiry of ${source}`}>
            Change
          </button>
        )}
      </span>
    );
  }
  const inputId = `expiry-${entryId}`;
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(value ? new Date(value).toISOString() : null);
      }}
    >
      <label className="visually-hidden" htmlFor={inputId}>
        Expiry of {source}
      </label>
      <input id={inputId} type="datetime-local" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="button small primary" disabled={save.isPending}>
        Save
      </button>
      <button type="button" className="button small" onClick={() => save.mutate(null)} disabled={save.isPending}>
        Never expires
      </button>
      <button type="button" className="button small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {save.error && (
        <span className="error small" role="alert">
          {messageOf(save.error)}
        </span>
      )}
    </form>
  );
}
