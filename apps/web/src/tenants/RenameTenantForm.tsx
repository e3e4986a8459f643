import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import type { TenantView } from "../api/pages.ts";
import { fieldErrorsOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";

export function RenameTenantForm({ tenant, onDone }: { tenant: TenantView; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(tenant.name);
  const rename = useMutation({
    mutationFn: () => api.tenants.rename.mutate({ tenantId: tenant.id, name }),
    onSuccess: async () => {
      // Servers, entries and the fleet show tenant names too.
      await queryClient.invalidateQueries();
      onDone();
    },
  });
  const errors = fieldErrorsOf(rename.error, "name");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate();
  };
  return (
    <form className="panel form" onSubmit={submit} aria-label={`Rename ${tenant.name}`}>
      <h2>Rename {tenant.name}</h2>
      <Field id="rename-tenant-name" label="New name" error={errors.name}>
        <input {...describedBy("rename-tenant-name", errors.name)} type="text" required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <div className="row">
        <button type="submit" className="button primary" disabled={rename.isPending}>
          Save name
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
