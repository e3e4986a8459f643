import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { ConfirmedAction } from "../components/ConfirmedAction.tsx";
import type { ServerDetail } from "./ServerFacts.tsx";

/** Revoke, after saying what it does: the agent is cut off, keeps its last rules and follows no change. */
export function RevokeServerPanel({ server }: { server: ServerDetail }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api.servers.revoke.mutate({ serverId: server.id }),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  if (server.status === "revoked") return <p className="muted">Revoked. A new enrollment command (above) enrolls it again.</p>;
  return (
    <ConfirmedAction ask="Revoke…" confirm={`Revoke ${server.name}`} tone="warn" onConfirm={() => revoke.mutate()} pending={revoke.isPending} error={revoke.error}>
      <p>
        <strong>Revoke {server.name}?</strong> Its agent's credential stops working and the agent is disconnected at once. The
        agent stops and <strong>keeps the last rules it applied</strong>: it follows no change made here any more, not even
        removals, until the server is enrolled again. <code>gatehouse-agent uninstall</code> on the host removes its rules.
      </p>
    </ConfirmedAction>
  );
}
