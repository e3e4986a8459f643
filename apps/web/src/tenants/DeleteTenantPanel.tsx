import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import type { TenantView } from "../api/pages.ts";
import { messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { hrefFor } from "../routing/routes.ts";

function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What goes with the tenant, in words, for the counts above zero. */
function deletedWith(tenant: TenantView): string[] {
  return [
    tenant.operators > 0 && `${counted(tenant.operators, "operator")} (they can no longer sign in; their sessions and API tokens end)`,
    tenant.travelers > 0 && `${counted(tenant.travelers, "traveler")} (their IVR accounts and grants)`,
    tenant.entries > 0 && counted(tenant.entries, "allowlist entry", "allowlist entries"),
    tenant.customServices > 0 && counted(tenant.customServices, "custom service"),
    tenant.presetSwitches > 0 && counted(tenant.presetSwitches, "preset switch", "preset switches"),
  ].filter((text): text is string => typeof text === "string");
}

/**
 * The consequences first, then the delete: a tenant with servers cannot be deleted (the API
 * refuses it too); otherwise its name must be typed before the button works.
 */
export function DeleteTenantPanel({ tenant, onDone }: { tenant: TenantView; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState("");
  const remove = useMutation({
    mutationFn: () => api.tenants.delete.mutate({ tenantId: tenant.id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    remove.mutate();
  };
  const removed = deletedWith(tenant);
  return (
    <section className="panel stack" aria-label={`Delete ${tenant.name}`}>
      <h2>Delete {tenant.name}?</h2>
      {tenant.servers > 0 ? (
        <Notice tone="warn">
          <p>
            <strong>
              {tenant.name} still has {counted(tenant.servers, "server")}.
            </strong>{" "}
            Delete them first, from each server's page in the <a href={hrefFor({ page: "fleet" })}>fleet</a>: each
            server's agent is disconnected and keeps its last rules. A tenant with servers cannot be deleted.
          </p>
        </Notice>
      ) : (
        <form className="form stack" onSubmit={submit}>
          <Notice tone="bad">
            <p>
              <strong>This cannot be undone.</strong>{" "}
              {removed.length > 0 ? "Deleted with the tenant:" : "The tenant holds nothing else."}
            </p>
            {removed.length > 0 && (
              <ul data-testid="deleted-with-tenant">
                {removed.map((text) => (
                  <li key={text}>{text}</li>
                ))}
              </ul>
            )}
            <p>The audit log keeps the tenant's events.</p>
          </Notice>
          <Field id="delete-tenant-confirm" label={`Type ${tenant.name} to confirm`}>
            <input {...describedBy("delete-tenant-confirm")} type="text" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
          </Field>
          <div className="row">
            <button type="submit" className="button danger" disabled={typed !== tenant.name || remove.isPending}>
              Delete tenant {tenant.name}
            </button>
            <button type="button" className="button" onClick={onDone}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {tenant.servers > 0 && (
        <div>
          <button type="button" className="button" onClick={onDone}>
            Close
          </button>
        </div>
      )}
      {remove.error && <Notice tone="bad">{messageOf(remove.error)}</Notice>}
    </section>
  );
}
