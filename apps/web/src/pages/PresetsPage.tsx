import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type RouterOutputs } from "../api/client.ts";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { PresetForm } from "../presets/PresetForm.tsx";
import { PresetRow } from "../presets/PresetRow.tsx";
import { useServers } from "../servers/useServers.ts";
import type { Operator } from "../session/useSession.ts";
import { TenantSelect } from "../tenants/TenantSelect.tsx";
import { useTenants } from "../tenants/useTenants.ts";

export function PresetsPage({ operator }: { operator: Operator }) {
  const tenants = useTenants();
  const [chosen, setChosen] = useState(operator.tenantId ?? "");
  const tenantId = chosen || tenants.data?.[0]?.id || "";
  const tenantName = tenants.data?.find((t) => t.id === tenantId)?.name ?? "";
  const presets = useQuery({ queryKey: ["presets.list", tenantId], queryFn: () => api.presets.list.query({ tenantId }), enabled: tenantId !== "" });
  const servers = useServers(tenantId);
  const canEdit = operator.role !== "VIEWER";
  const isMspAdmin = operator.role === "MSP_ADMIN";
  /** The preset being edited, "new" for a new one, null when the form is closed. */
  const [editing, setEditing] = useState<RouterOutputs["presets"]["list"][number] | "new" | null>(null);
  return (
    <>
      <PageHeader title="Provider presets" description="VoIP trunk providers whose signalling hosts can be allowed with one switch, for a whole tenant or single servers. Each says where its hosts come from." />
      {isMspAdmin && editing === null && (
        <div>
          <button type="button" className="button primary" onClick={() => setEditing("new")}>
            New preset
          </button>
        </div>
      )}
      {editing !== null && (
        <section className="panel" aria-labelledby="preset-form-heading">
          <h2 id="preset-form-heading">{editing === "new" ? "New preset" : `Edit ${editing.name}`}</h2>
          <PresetForm key={editing === "new" ? "new" : editing.id} {...(editing === "new" ? {} : { preset: editing })} onDone={() => setEditing(null)} />
        </section>
      )}
      {(tenants.data?.length ?? 0) > 1 && (
        <div className="filters">
          <div className="field">
            <label htmlFor="presets-tenant">Tenant</label>
            <TenantSelect id="presets-tenant" value={tenantId} onChange={setChosen} />
          </div>
        </div>
      )}
      <ErrorNotice error={tenants.error ?? presets.error} />
      {tenants.data?.length === 0 && <p className="muted">Create a tenant first.</p>}
      {tenantId && presets.isPending && <Loading what="presets" />}
      {presets.data && (
        <div className="table-wrap stack-on-phone">
          <table className="table" aria-label="Provider presets">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Services</th>
                <th scope="col">All servers of {tenantName}</th>
                <th scope="col">Single servers</th>
              </tr>
            </thead>
            <tbody>
              {presets.data.map((preset) => (
                <PresetRow key={preset.id} preset={preset} tenantId={tenantId} tenantName={tenantName} servers={servers.data ?? []} canEdit={canEdit} onEdit={isMspAdmin ? setEditing : undefined} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
