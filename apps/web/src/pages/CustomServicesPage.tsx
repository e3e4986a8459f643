import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { CustomServicesTable } from "../services/CustomServicesTable.tsx";
import { NewCustomServiceForm } from "../services/NewCustomServiceForm.tsx";
import { useCustomServices } from "../services/useCustomServices.ts";
import type { Operator } from "../session/useSession.ts";

export function CustomServicesPage({ operator }: { operator: Operator }) {
  const services = useCustomServices();
  const isMspAdmin = operator.role === "MSP_ADMIN";
  const canChange = operator.role !== "VIEWER";
  return (
    <>
      <PageHeader title="Custom services" description="Services of your own beside the catalogue's (SIP, RTP, IAX2, SSH…): one protocol and one port or range each, usable in entries like the catalogue's." />
      <ErrorNotice error={services.error} />
      <section className="panel" aria-labelledby="services-heading">
        <h2 id="services-heading">Services</h2>
        {services.isPending ? (
          <Loading what="custom services" />
        ) : (
          <CustomServicesTable services={services.data?.customServices ?? []} mayDelete={(service) => canChange && (isMspAdmin || service.tenantId !== null)} />
        )}
      </section>
      {canChange && (
        <section className="panel" aria-labelledby="new-service-heading">
          <h2 id="new-service-heading">New service</h2>
          <NewCustomServiceForm fleetAllowed={isMspAdmin} ownTenantId={isMspAdmin ? null : operator.tenantId} />
        </section>
      )}
    </>
  );
}
