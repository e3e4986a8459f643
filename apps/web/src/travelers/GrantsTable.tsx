import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge } from "../components/Badge.tsx";
import { Notice } from "../components/Notice.tsx";
import { When } from "../components/When.tsx";
import type { GrantView } from "./useTravelers.ts";

export function GrantsTable({ grants, travelerNames, canEdit }: { grants: GrantView[]; travelerNames: Map<string, string>; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({ mutationFn: (grantId: string) => api.travelers.revokeGrant.mutate({ grantId }), onSuccess: () => queryClient.invalidateQueries() });
  return (
    <>
      {revoke.error && <Notice tone="bad">{messageOf(revoke.error)}</Notice>}
      <div className="table-wrap stack-on-phone">
        <table className="table" aria-label="Active grants">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Traveler</th>
              <th scope="col">How</th>
              <th scope="col">Granted</th>
              <th scope="col">Expires</th>
              <th scope="col">Email</th>
              {canEdit && <th scope="col"><span className="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {grants.length === 0 && (
              <tr>
                <td className="empty" colSpan={canEdit ? 7 : 6}>
                  No active grants.
                </td>
              </tr>
            )}
            {grants.map((g) => {
              const who = travelerNames.get(g.travelerId) ?? "traveler";
              return (
                <tr key={g.id} data-grant={g.address}>
                  <td data-label="Address" className="mono">
                    {g.address}
                  </td>
                  <td data-label="Traveler">{who}</td>
                  <td data-label="How">{g.channel.toLowerCase()}</td>
                  <td data-label="Granted">
                    <When at={g.createdAt} />
                  </td>
                  <td data-label="Expires">
                    <When at={g.expiresAt} />
                  </td>
                  <td data-label="Email">
                    {g.mailedAt ? <Badge tone="ok">sent</Badge> : g.mailError ? <Badge tone="warn">failed</Badge> : <Badge tone="neutral">pending</Badge>}
                  </td>
                  {canEdit && (
                    <td data-label="Actions">
                      <button type="button" className="button small danger" disabled={revoke.isPending} onClick={() => revoke.mutate(g.id)} aria-label={`Revoke ${g.address} of ${who}`}>
                        Revoke
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
