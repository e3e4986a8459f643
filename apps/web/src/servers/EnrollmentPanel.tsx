import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Notice } from "../components/Notice.tsx";
import { EnrollmentCommand } from "./EnrollmentCommand.tsx";

/** A new one-time enrollment token (for a new host or a reinstalled one), shown once. */
export function EnrollmentPanel({ serverId, status }: { serverId: string; status: string }) {
  const queryClient = useQueryClient();
  const regenerate = useMutation({
    mutationFn: () => api.servers.regenerateEnrollment.mutate({ serverId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["servers.get", serverId] }),
  });
  if (status === "revoked") return <p className="muted">This server is revoked; create a new server to enroll a host.</p>;
  return (
    <div className="stack">
      <p className="muted small">
        {status === "pending"
          ? "No agent has enrolled yet. Create a token and run the command on the server as root."
          : "An agent is enrolled. A new token lets a reinstalled host enroll again."}
      </p>
      {regenerate.data ? (
        <EnrollmentCommand install={regenerate.data.install} command={regenerate.data.command} expiresAt={regenerate.data.expiresAt} notes={regenerate.data.notes} />
      ) : (
        <button type="button" className="button" onClick={() => regenerate.mutate()} disabled={regenerate.isPending}>
          {status === "pending" ? "Create enrollment command" : "Create a new enrollment token"}
        </button>
      )}
      {regenerate.error && <Notice tone="bad">{messageOf(regenerate.error)}</Notice>}
    </div>
  );
}
