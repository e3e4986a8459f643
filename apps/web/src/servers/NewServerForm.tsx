import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, type RouterOutputs } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { SubmitButton } from "../components/SubmitButton.tsx";
import { TenantSelect } from "../tenants/TenantSelect.tsx";
import { NoTenantYet } from "../tenants/NoTenantYet.tsx";
import { useTenants } from "../tenants/useTenants.ts";
import { ServerSettingsFields } from "./ServerSettingsFields.tsx";
import { NEW_SERVER_DRAFT, settingsOf } from "./serverSettings.ts";

export type CreatedServer = RouterOutputs["servers"]["create"];

interface Props {
  defaultTenantId: string;
  /** An MSP admin may create the first tenant right here. */
  canCreateTenant: boolean;
  onCreated: (created: CreatedServer) => void;
}

export function NewServerForm({ defaultTenantId, canCreateTenant, onCreated }: Props) {
  const queryClient = useQueryClient();
  const tenants = useTenants();
  const [tenantId, setTenantId] = useState(defaultTenantId);
  const [draft, setDraft] = useState(NEW_SERVER_DRAFT);
  const create = useMutation({
    mutationFn: () => api.servers.create.mutate({ tenantId, ...settingsOf(draft) }),
    // The one-time enrollment token is shown at once: it must never wait on (or be lost with)
    // the refetch of unrelated queries that follows.
    onSuccess: (created) => {
      onCreated(created);
      void queryClient.invalidateQueries();
    },
  });
  if (tenants.data?.length === 0) return <NoTenantYet canCreate={canCreateTenant} onCreated={(tenant) => setTenantId(tenant.id)} />;
  const errors = fieldErrorsOf(create.error);
  const unplaced = create.error && Object.keys(errors).length === 0 ? messageOf(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="panel form" onSubmit={submit} aria-label="New server">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      <div className="form-row">
        <Field id="server-tenant" label="Tenant" error={errors.tenantId}>
          <TenantSelect id="server-tenant" value={tenantId} onChange={setTenantId} error={errors.tenantId} />
        </Field>
      </div>
      <ServerSettingsFields idPrefix="server" draft={draft} onChange={setDraft} errors={errors} creating />
      <SubmitButton pending={create.isPending} busyLabel="Creating…">
        Create server
      </SubmitButton>
    </form>
  );
}
