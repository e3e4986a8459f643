import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type RouterOutputs } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { DataTable } from "../components/DataTable.tsx";
import { Notice } from "../components/Notice.tsx";
import { useTenants } from "../tenants/useTenants.ts";

type CustomService = RouterOutputs["customServices"]["list"]["customServices"][number];

interface Props {
  services: CustomService[];
  /** Whether a service may be deleted by this operator (a tenant's operators never delete the fleet's). */
  mayDelete: (service: CustomService) => boolean;
}

const ports = (s: CustomService) => `${s.protocol.toUpperCase()} ${s.portFrom === s.portTo ? s.portFrom : `${s.portFrom}-${s.portTo}`}`;

export function CustomServicesTable({ services, mayDelete }: Props) {
  const queryClient = useQueryClient();
  const tenants = useTenants();
  const tenantName = (id: string | null) => (id === null ? "Whole fleet" : (tenants.data?.find((tenant) => tenant.id === id)?.name ?? id.slice(0, 8)));
  const remove = useMutation({ mutationFn: (service: CustomService) => api.customServices.delete.mutate({ customServiceId: service.id }), onSuccess: () => queryClient.invalidateQueries() });
  return (
    <>
      {remove.error && <Notice tone="bad">{messageOf(remove.error)}</Notice>}
      <DataTable
        label="Custom services"
        rows={services}
        rowKey={(service) => service.id}
        rowData={(service) => ({ service: service.id })}
        empty="No custom services yet: entries open the catalogue's services only."
        columns={[
          { header: "Id", className: "mono", cell: (service) => service.id },
          { header: "Name", cell: (service) => service.name },
          { header: "Ports", className: "mono", cell: ports },
          { header: "For", cell: (service) => tenantName(service.tenantId) },
          {
            header: "Actions",
            headerHidden: true,
            cell: (service) =>
              mayDelete(service) ? (
                <button
                  type="button"
                  className="button small danger"
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`Delete the service “${service.id}”? Entries naming it stop opening ${ports(service)}.`)) remove.mutate(service);
                  }}
                >
                  Delete<span className="visually-hidden"> {service.id}</span>
                </button>
              ) : null,
          },
        ]}
      />
    </>
  );
}
