import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { Notice } from "../components/Notice.tsx";
import type { ServerDetail } from "./ServerFacts.tsx";
import { ServerSettingsFields } from "./ServerSettingsFields.tsx";
import { draftOf, settingsOf } from "./serverSettings.ts";

function appliedWhen(server: Pick<ServerDetail, "status" | "online">): string {
  if (server.status === "revoked") return "the server is revoked: its agent follows no change until it is enrolled again";
  if (server.status === "pending") return "its agent gets them when it enrolls";
  return server.online ? "the agent applies them at once" : "the agent applies them when it connects again";
}

/** Every setting of a server in one form; saving bumps its revision once. */
export function ServerSettingsForm({ server }: { server: ServerDetail }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(server));
  const save = useMutation({
    mutationFn: () => api.servers.update.mutate({ serverId: server.id, ...settingsOf(draft) }),
    onSuccess: async (updated) => {
      setDraft(draftOf(updated));
      await queryClient.invalidateQueries();
    },
  });
  const errors = fieldErrorsOf(save.error);
  const unplaced = save.error && Object.keys(errors).length === 0 ? messageOf(save.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Server settings">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      <ServerSettingsFields idPrefix="settings" draft={draft} onChange={setDraft} errors={errors} />
      <div className="row">
        <button type="submit" className="button primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save settings"}
        </button>
        {save.data && !save.isPending && (
          <span role="status">
            Saved (revision {save.data.revision}); {appliedWhen(save.data)}.
          </span>
        )}
      </div>
    </form>
  );
}
