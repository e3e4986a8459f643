import { useState } from "react";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { useServers } from "../servers/useServers.ts";
import type { Operator } from "../session/useSession.ts";
import { TenantSelect } from "../tenants/TenantSelect.tsx";
import { useTenants } from "../tenants/useTenants.ts";
import { GrantForm } from "../travelers/GrantForm.tsx";
import { GrantsTable } from "../travelers/GrantsTable.tsx";
import { NewTravelerForm } from "../travelers/NewTravelerForm.tsx";
import { OneTimePin } from "../travelers/OneTimePin.tsx";
import { PhoneSetupPanel } from "../travelers/PhoneSetupPanel.tsx";
import { TravelersTable } from "../travelers/TravelersTable.tsx";
import { useActiveGrants, useTravelers } from "../travelers/useTravelers.ts";

export function TravelersPage({ operator }: { operator: Operator }) {
  const tenants = useTenants();
  const [chosen, setChosen] = useState(operator.tenantId ?? "");
  const tenantId = chosen || tenants.data?.[0]?.id || "";
  const travelers = useTravelers(tenantId);
  const grants = useActiveGrants(tenantId);
  const servers = useServers(tenantId);
  // A generated PIN shows beside the button that made it: a new traveler's or a reset one.
  const [pin, setPin] = useState<{ name: string; pin: string; from: "create" | "reset" } | null>(null);
  const pinFrom = (from: "create" | "reset") => pin?.from === from && <OneTimePin travelerName={pin.name} pin={pin.pin} onDone={() => setPin(null)} />;
  const canEdit = operator.role !== "VIEWER";
  const travelerNames = new Map((travelers.data ?? []).map((t) => [t.id, t.name]));
  return (
    <>
      <PageHeader title="Travelers" description="People on the road who allow their own address by calling the IVR." />
      {(tenants.data?.length ?? 0) > 1 && (
        <div className="filters">
          <div className="field">
            <label htmlFor="travelers-tenant">Tenant</label>
            <TenantSelect id="travelers-tenant" value={tenantId} onChange={setChosen} />
          </div>
        </div>
      )}
      <PhoneSetupPanel />
      <ErrorNotice error={tenants.error ?? travelers.error ?? grants.error} />
      {tenants.data?.length === 0 && <p className="muted">Create a tenant first.</p>}
      {tenantId && (
        <>
          <section className="panel" aria-labelledby="grants-heading">
            <h2 id="grants-heading">Active grants</h2>
            {grants.isPending ? <Loading what="grants" /> : <GrantsTable grants={grants.data ?? []} travelerNames={travelerNames} canEdit={canEdit} />}
            {canEdit && (travelers.data?.length ?? 0) > 0 && (
              <div className="panel-footer">
                <GrantForm travelers={travelers.data ?? []} />
              </div>
            )}
          </section>
          <section className="panel" aria-labelledby="travelers-heading">
            <h2 id="travelers-heading">Travelers</h2>
            {pinFrom("reset")}
            {travelers.isPending ? (
              <Loading what="travelers" />
            ) : (
              <TravelersTable
                travelers={travelers.data ?? []}
                serverNames={new Map((servers.data ?? []).map((s) => [s.id, s.name]))}
                canEdit={canEdit}
                onPinReset={(name, newPin) => setPin({ name, pin: newPin, from: "reset" })}
              />
            )}
          </section>
          {canEdit && (
            <section className="panel" aria-labelledby="new-traveler-heading">
              <h2 id="new-traveler-heading">New traveler</h2>
              <NewTravelerForm key={tenantId} tenantId={tenantId} onCreated={(name, generated) => setPin(generated ? { name, pin: generated, from: "create" } : null)} />
              {pinFrom("create")}
            </section>
          )}
        </>
      )}
    </>
  );
}
