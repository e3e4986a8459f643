import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, type RouterOutputs } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { TenantSelect } from "../tenants/TenantSelect.tsx";

export type CreatedServer = RouterOutputs["servers"]["create"];

const PROVIDERS = ["digitalocean", "vultr", "hetzner", "linode", "aws", "other"];

function splitTags(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

export function NewServerForm({ defaultTenantId, onCreated }: { defaultTenantId: string; onCreated: (created: CreatedServer) => void }) {
  const queryClient = useQueryClient();
  const [tenantId, setTenantId] = useState(defaultTenantId);
  const [name, setName] = useState("");
  const [provider, setProvider] = useState("digitalocean");
  const [region, setRegion] = useState("");
  const [tags, setTags] = useState("");
  const [primaryAdminSource, setPrimaryAdminSource] = useState("");
  const create = useMutation({
    mutationFn: () =>
      api.servers.create.mutate({
        tenantId,
        name,
        provider,
        region: region || null,
        tags: splitTags(tags),
        primaryAdminSource: primaryAdminSource || null,
      }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries();
      onCreated(created);
    },
  });
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
        <Field id="server-name" label="Name" error={errors.name}>
          <input {...describedBy("server-name", errors.name)} type="text" required value={name} onChange={(e) => setName(e.target.value)} placeholder="pbx-nyc-1" />
        </Field>
      </div>
      <div className="form-row">
        <Field id="server-provider" label="Provider" error={errors.provider}>
          <input {...describedBy("server-provider", errors.provider)} type="text" list="server-providers" value={provider} onChange={(e) => setProvider(e.target.value)} />
          <datalist id="server-providers">
            {PROVIDERS.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </Field>
        <Field id="server-region" label="Region" error={errors.region}>
          <input {...describedBy("server-region", errors.region)} type="text" value={region} onChange={(e) => setRegion(e.target.value)} placeholder="nyc3" />
        </Field>
      </div>
      <div className="form-row">
        <Field id="server-tags" label="Groups (tags)" hint="Separated by spaces or commas; entries scoped to a group reach its servers." error={errors.tags}>
          <input {...describedBy("server-tags", errors.tags, true)} type="text" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="east sales" />
        </Field>
        <Field id="server-admin" label="Primary admin address" hint="Always allowed, whatever the allowlist says." error={errors.primaryAdminSource}>
          <input {...describedBy("server-admin", errors.primaryAdminSource, true)} type="text" value={primaryAdminSource} onChange={(e) => setPrimaryAdminSource(e.target.value)} placeholder="203.0.113.10" />
        </Field>
      </div>
      <div>
        <button type="submit" className="button primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create server"}
        </button>
      </div>
    </form>
  );
}
