import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { Notice } from "../components/Notice.tsx";
import { When } from "../components/When.tsx";
import { apiTokensKey, type ApiTokenView } from "./useApiTokens.ts";

function StateBadge({ token }: { token: ApiTokenView }) {
  if (token.revokedAt) return <Badge tone="neutral">revoked</Badge>;
  if (token.expiresAt && new Date(token.expiresAt) <= new Date()) return <Badge tone="neutral">expired</Badge>;
  return <Badge tone="ok">active</Badge>;
}

export function TokensTable({ tokens }: { tokens: ApiTokenView[] }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (tokenId: string) => api.apiTokens.revoke.mutate({ tokenId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiTokensKey }),
  });
  const confirmRevoke = (token: ApiTokenView) => {
    if (window.confirm(`Revoke the API token “${token.name}”? Whatever uses it is refused from now on.`)) revoke.mutate(token.id);
  };
  return (
    <>
      {revoke.error && <Notice tone="bad">{messageOf(revoke.error)}</Notice>}
      <DataTable
        label="API tokens"
        rows={tokens}
        rowKey={(token) => token.id}
        rowData={(token) => ({ token: token.name })}
        empty="No API tokens yet."
        columns={[
          { header: "Name", cell: (token) => token.name },
          { header: "Starts with", className: "mono", cell: (token) => `${token.prefix}…` },
          { header: "State", cell: (token) => <StateBadge token={token} /> },
          { header: "Created", cell: (token) => <When at={token.createdAt} /> },
          { header: "Last used", cell: (token) => <When at={token.lastUsedAt} /> },
          { header: "Expires", cell: (token) => <When at={token.expiresAt} never="never" /> },
          {
            header: "Actions",
            headerHidden: true,
            cell: (token) =>
              !token.revokedAt && (
                <button type="button" className="button small danger" onClick={() => confirmRevoke(token)} disabled={revoke.isPending}>
                  Revoke
                </button>
              ),
          },
        ]}
      />
    </>
  );
}
