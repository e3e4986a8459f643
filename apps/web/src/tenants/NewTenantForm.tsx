import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import type { TenantView } from "../api/pages.ts";
import { fieldErrorsOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { SubmitButton } from "../components/SubmitButton.tsx";

/** A new tenant by name (MSP admins); also inline on Add server when there is no tenant yet. */
export function NewTenantForm({ idPrefix = "new-tenant", onCreated }: { idPrefix?: string; onCreated?: (tenant: TenantView) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api.tenants.create.mutate({ name }),
    onSuccess: async (tenant) => {
      setName("");
      await queryClient.invalidateQueries({ queryKey: ["tenants.list"] });
      onCreated?.(tenant);
    },
  });
  const errors = fieldErrorsOf(create.error, "name");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const id = `${idPrefix}-name`;
  return (
    <form className="form" onSubmit={submit} aria-label="New tenant">
      <div className="form-row">
        <Field id={id} label="Tenant name" error={errors.name} hint="The MSP's customer, e.g. the practice or company the PBX serves.">
          <input {...describedBy(id, errors.name, true)} type="text" required value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme Dental" />
        </Field>
      </div>
      <SubmitButton pending={create.isPending} busyLabel="Creating…">
        Create tenant
      </SubmitButton>
      {create.data && <p role="status">Tenant {create.data.name} created.</p>}
    </form>
  );
}
