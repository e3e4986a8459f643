import type { TenantView } from "../api/pages.ts";
import { Notice } from "../components/Notice.tsx";
import { hrefFor } from "../routing/routes.ts";
import { NewTenantForm } from "./NewTenantForm.tsx";

/** Add server with no tenant to put it in: an MSP admin creates one here, anyone else is told who can. */
export function NoTenantYet({ canCreate, onCreated }: { canCreate: boolean; onCreated: (tenant: TenantView) => void }) {
  if (!canCreate) {
    return <Notice tone="warn">There is no tenant to add a server to yet. Ask an MSP admin to create one.</Notice>;
  }
  return (
    <section className="panel stack" aria-labelledby="first-tenant-heading">
      <h2 id="first-tenant-heading">First, create a tenant</h2>
      <p>
        Every server belongs to a tenant (the MSP's customer it serves). There is none yet: create one here, or on the{" "}
        <a href={hrefFor({ page: "tenants" })}>Tenants</a> page.
      </p>
      <NewTenantForm idPrefix="first-tenant" onCreated={onCreated} />
    </section>
  );
}
