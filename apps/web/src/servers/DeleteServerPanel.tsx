import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Notice } from "../components/Notice.tsx";
import { hrefFor } from "../routing/routes.ts";
import type { ServerDetail } from "./ServerFacts.tsx";

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Delete, after saying what goes with it; then back to the fleet. */
export function DeleteServerPanel({ server }: { server: ServerDetail }) {
  const queryClient = useQueryClient();
  const [asked, setAsked] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.servers.delete.mutate({ serverId: server.id }),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ["servers.get", server.id] });
      await queryClient.invalidateQueries();
      window.location.hash = hrefFor({ page: "fleet" });
    },
  });
  const { entries, presetSwitches } = server.deletedWithIt;
  return (
    <div className="stack">
      {asked ? (
        <Notice tone="bad">
          <div className="stack">
            <p>
              <strong>Delete {server.name}? This cannot be undone.</strong> Deleted with it:{" "}
              <span data-testid="deleted-with-server">
                {counted(entries, "entry of its own", "entries of its own")} and {counted(presetSwitches, "preset switch", "preset switches")}
              </span>
              . Entries of its tenant, groups and the fleet stay.
              {server.status === "enrolled" && " Its agent is disconnected and keeps its last rules until gatehouse-agent uninstall runs on the host."}
            </p>
            <div className="row">
              <button type="button" className="button danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
                Delete {server.name}
              </button>
              <button type="button" className="button" onClick={() => setAsked(false)}>
                Cancel
              </button>
            </div>
          </div>
        </Notice>
      ) : (
        <div>
          <button type="button" className="button danger" onClick={() => setAsked(true)}>
            Delete…
          </button>
        </div>
      )}
      {remove.error && <Notice tone="bad">{messageOf(remove.error)}</Notice>}
    </div>
  );
}
