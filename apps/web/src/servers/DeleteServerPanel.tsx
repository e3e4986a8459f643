import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { ConfirmedAction } from "../components/ConfirmedAction.tsx";
import { hrefFor } from "../routing/routes.ts";
import type { ServerDetail } from "./ServerFacts.tsx";

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Delete, after saying what goes with it; then back to the fleet. */
export function DeleteServerPanel({ server }: { server: ServerDetail }) {
  const queryClient = useQueryClient();
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
    <ConfirmedAction ask="Delete…" confirm={`Delete ${server.name}`} tone="bad" onConfirm={() => remove.mutate()} pending={remove.isPending} error={remove.error}>
      <p>
        <strong>Delete {server.name}? This cannot be undone.</strong> Deleted with it:{" "}
        <span data-testid="deleted-with-server">
          {counted(entries, "entry of its own", "entries of its own")} and {counted(presetSwitches, "preset switch", "preset switches")}
        </span>
        . Entries of its tenant, groups and the fleet stay.
        {server.status === "enrolled" && " Its agent is disconnected and keeps its last rules until gatehouse-agent uninstall runs on the host."}
      </p>
    </ConfirmedAction>
  );
}
