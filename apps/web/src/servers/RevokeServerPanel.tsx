import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Notice } from "../components/Notice.tsx";
import type { ServerDetail } from "./ServerFacts.tsx";

/** Revoke, after saying what it does: the agent is cut off, keeps its last rules and follows no change. */
export function RevokeServerPanel({ server }: { server: ServerDetail }) {
  const queryClient = useQueryClient();
  const [asked, setAsked] = useState(false);
  const revoke = useMutation({
    mutationFn: () => api.servers.revoke.mutate({ serverId: server.id }),
    onSuccess: async () => {
      setAsked(false);
      await queryClient.invalidateQueries();
    },
  });
  if (server.status === "revoked") return <p className="muted">Revoked. A new enrollment command (above) enrolls it again.</p>;
  return (
    <div className="stack">
      {asked ? (
        <Notice tone="warn">
          <div className="stack">
            <p>
              <strong>Revoke {server.name}?</strong> Its agent's credential stops working and the agent is disconnected at once. The
              agent stops and <strong>keeps the last rules it applied</strong>: it follows no change made here any more, not even
              removals, until the server is enrolled again. <code>gatehouse-agent uninstall</code> on the host removes its rules.
            </p>
            <div className="row">
              <button type="button" className="button danger" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
                Revoke {server.name}
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
            Revoke…
          </button>
        </div>
      )}
      {revoke.error && <Notice tone="bad">{messageOf(revoke.error)}</Notice>}
    </div>
  );
}
