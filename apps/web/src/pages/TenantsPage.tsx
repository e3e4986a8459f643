import { useState } from "react";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { hrefFor } from "../routing/routes.ts";
import type { Operator } from "../session/useSession.ts";
import { DeleteTenantPanel } from "../tenants/DeleteTenantPanel.tsx";
import { NewTenantForm } from "../tenants/NewTenantForm.tsx";
import { RenameTenantForm } from "../tenants/RenameTenantForm.tsx";
import { TenantsTable, type TenantAction } from "../tenants/TenantsTable.tsx";
import { useTenants } from "../tenants/useTenants.ts";

/** The MSP's customers: MSP admins create, rename and delete them; everyone else sees their own. */
export function TenantsPage({ operator }: { operator: Operator }) {
  const tenants = useTenants();
  const [action, setAction] = useState<TenantAction | null>(null);
  const isMspAdmin = operator.role === "MSP_ADMIN";
  // The panel shows the row's latest counts (the list refetches after every change).
  const current = action && (tenants.data ?? []).find((tenant) => tenant.id === action.tenant.id);
  return (
    <>
      <PageHeader
        title="Tenants"
        description={isMspAdmin ? "The MSP's customers. Every server, operator, traveler and tenant entry belongs to one." : "Your tenant. Only an MSP admin creates, renames or deletes tenants."}
        actions={
          isMspAdmin && (
            <a className="button" href={hrefFor({ page: "new-server" })}>
              Add server
            </a>
          )
        }
      />
      {isMspAdmin && (
        <section className="panel" aria-labelledby="new-tenant-heading">
          <h2 id="new-tenant-heading">New tenant</h2>
          <NewTenantForm />
        </section>
      )}
      {current && action.kind === "rename" && <RenameTenantForm key={current.id} tenant={current} onDone={() => setAction(null)} />}
      {current && action.kind === "delete" && <DeleteTenantPanel key={current.id} tenant={current} onDone={() => setAction(null)} />}
      <ErrorNotice error={tenants.error} />
      {tenants.isPending ? <Loading what="the tenants" /> : <TenantsTable tenants={tenants.data ?? []} onAction={isMspAdmin ? setAction : undefined} />}
    </>
  );
}
