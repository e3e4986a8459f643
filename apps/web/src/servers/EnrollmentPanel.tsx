import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Notice } from "../components/Notice.tsx";
import { EnrollmentCommand } from "./EnrollmentCommand.tsx";

const ENROLLMENT_STATE: Record<string, string> = {
  pending: "No agent has enrolled yet. Create a token and run the command on the server as root.",
  enrolled: "An agent is enrolled. A new token lets a reinstalled host enroll again (the old token stops working).",
  revoked: "This server is revoked. A new enrollment command enrolls it again: the old credential stays dead, and the command replaces the host's old enrollment (--force).",
};

/** A new one-time enrollment token (for a new host or a reinstalled one), shown once. */
export function EnrollmentPanel({ serverId, status }: { serverId: string; status: string }) {
  const queryClient = useQueryClient();
  const regenerate = useMutation({
    mutationFn: () => api.servers.regenerateEnrollment.mutate({ serverId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["servers.get", serverId] }),
  });
  return (
    <div className="stack">
      <p className="muted small">{ENROLLMENT_STATE[status] ?? ENROLLMENT_STATE.enrolled}</p>
      {regenerate.data ? (
        <EnrollmentCommand install={regenerate.data.install} command={regenerate.data.command} expiresAt={regenerate.data.expiresAt} notes={regenerate.data.notes} />
      ) : (
        <button type="button" className="button" onClick={() => regenerate.mutate()} disabled={regenerate.isPending}>
          {status === "pending" ? "Create enrollment command" : "New enrollment command"}
        </button>
      )}
      {regenerate.error && <Notice tone="bad">{messageOf(regenerate.error)}</Notice>}
    </div>
  );
}
