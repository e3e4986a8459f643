import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge, type BadgeTone } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { Notice } from "../components/Notice.tsx";
import { When } from "../components/When.tsx";
import { ROLE_LABELS, type InviteView } from "./useOperators.ts";

const STATUS_TONES: Record<InviteView["status"], BadgeTone> = { pending: "warn", accepted: "ok", expired: "neutral", revoked: "neutral" };

export function InvitesTable({ invites, canEdit }: { invites: InviteView[]; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (inviteId: string) => api.operators.revokeInvite.mutate({ inviteId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["operators.invites"] }),
  });
  const confirmRevoke = (invite: InviteView) => {
    if (window.confirm(`Revoke the invitation to ${invite.email}? Its link stops working at once.`)) revoke.mutate(invite.id);
  };
  return (
    <>
      {revoke.error && <Notice tone="bad">{messageOf(revoke.error)}</Notice>}
      <DataTable
        label="Invitations"
        rows={invites}
        rowKey={(invite) => invite.id}
        rowData={(invite) => ({ invite: invite.email })}
        empty="No invitations."
        columns={[
          { header: "Invited", cell: (invite) => (<>{invite.name}<div className="small muted">{invite.email}</div></>) },
          { header: "Role", cell: (invite) => `${ROLE_LABELS[invite.role]}${invite.tenantName ? ` of ${invite.tenantName}` : ""}` },
          { header: "Status", cell: (invite) => <Badge tone={STATUS_TONES[invite.status]}>{invite.status}</Badge> },
          { header: "Link works until", cell: (invite) => <When at={invite.expiresAt} /> },
          canEdit && {
            header: "Actions",
            headerHidden: true,
            cell: (invite) =>
              invite.status === "pending" && (
                <button type="button" className="button small danger" onClick={() => confirmRevoke(invite)} disabled={revoke.isPending}>
                  Revoke
                </button>
              ),
          },
        ]}
      />
    </>
  );
}
