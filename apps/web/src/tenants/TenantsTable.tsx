import type { TenantView } from "../api/pages.ts";
import { DataTable } from "../components/DataTable.tsx";
import { When } from "../components/When.tsx";

export type TenantAction = { kind: "rename" | "delete"; tenant: TenantView };

interface Props {
  tenants: TenantView[];
  /** Absent for anyone but an MSP admin: no rename or delete buttons at all. */
  onAction?: ((action: TenantAction) => void) | undefined;
}

export function TenantsTable({ tenants, onAction }: Props) {
  return (
    <DataTable
      label="Tenants"
      rows={tenants}
      rowKey={(tenant) => tenant.id}
      rowData={(tenant) => ({ tenant: tenant.name })}
      empty="No tenants yet."
      columns={[
        { header: "Tenant", cell: (tenant) => <strong>{tenant.name}</strong> },
        { header: "Servers", cell: (tenant) => tenant.servers },
        { header: "Operators", cell: (tenant) => tenant.operators },
        { header: "Travelers", cell: (tenant) => tenant.travelers },
        { header: "Entries", cell: (tenant) => tenant.entries },
        { header: "Created", cell: (tenant) => <When at={tenant.createdAt} /> },
        onAction !== undefined && {
          header: "Actions",
          headerHidden: true,
          cell: (tenant) => (
            <div className="row">
              <button type="button" className="button small" aria-label={`Rename ${tenant.name}`} onClick={() => onAction({ kind: "rename", tenant })}>
                Rename
              </button>
              <button type="button" className="button small danger" aria-label={`Delete ${tenant.name}`} onClick={() => onAction({ kind: "delete", tenant })}>
                Delete
              </button>
            </div>
          ),
        },
      ]}
    />
  );
}
