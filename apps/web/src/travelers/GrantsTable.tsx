import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { Notice } from "../components/Notice.tsx";
import { When } from "../components/When.tsx";
import type { GrantView } from "./useTravelers.ts";

function MailBadge({ grant }: { grant: GrantView }) {
  if (grant.mailedAt) return <Badge tone="ok">sent</Badge>;
  if (grant.mailError) return <Badge tone="warn">failed</Badge>;
  return <Badge tone="neutral">pending</Badge>;
}

export function GrantsTable({ grants, travelerNames, canEdit }: { grants: GrantView[]; travelerNames: Map<string, string>; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({ mutationFn: (grantId: string) => api.travelers.revokeGrant.mutate({ grantId }), onSuccess: () => queryClient.invalidateQueries() });
  const who = (g: GrantView) => travelerNames.get(g.travelerId) ?? "traveler";
  return (
    <>
      {revoke.error && <Notice tone="bad">{messageOf(revoke.error)}</Notice>}
      <DataTable
        label="Active grants"
        rows={grants}
        rowKey={(g) => g.id}
        rowData={(g) => ({ grant: g.address })}
        empty="No active grants."
        columns={[
          { header: "Address", className: "mono", cell: (g) => g.address },
          { header: "Traveler", cell: who },
          { header: "How", cell: (g) => g.channel.toLowerCase() },
          { header: "Granted", cell: (g) => <When at={g.createdAt} /> },
          { header: "Expires", cell: (g) => <When at={g.expiresAt} /> },
          { header: "Email", cell: (g) => <MailBadge grant={g} /> },
          canEdit && {
            header: "Actions",
            headerHidden: true,
            cell: (g) => (
              <button type="button" className="button small danger" disabled={revoke.isPending} onClick={() => revoke.mutate(g.id)} aria-label={`Revoke ${g.address} of ${who(g)}`}>
                Revoke
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
