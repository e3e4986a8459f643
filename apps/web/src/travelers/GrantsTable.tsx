import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
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
  const who = (g: GrantView) => travelerNames.get(g.travelerId) ?? "traveler";
  const [revoked, setRevoked] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (g: GrantView) => api.travelers.revokeGrant.mutate({ grantId: g.id }),
    onMutate: () => setRevoked(null),
    onSuccess: async (_, g) => {
      setRevoked(`${g.address} of ${who(g)} is revoked: their servers drop it within seconds.`);
      await queryClient.invalidateQueries();
    },
  });
  const askToRevoke = (g: GrantView) => {
    if (window.confirm(`Revoke ${g.address} of ${who(g)}? Their servers stop accepting it within seconds.`)) revoke.mutate(g);
  };
  return (
    <>
      {revoke.error && <Notice tone="bad">{messageOf(revoke.error)}</Notice>}
      {revoked && <Notice tone="ok">{revoked}</Notice>}
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
              <button type="button" className="button small danger" disabled={revoke.isPending} onClick={() => askToRevoke(g)} aria-label={`Revoke ${g.address} of ${who(g)}`}>
                Revoke
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
