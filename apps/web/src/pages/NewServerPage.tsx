import { useState } from "react";
import { PageHeader } from "../components/PageHeader.tsx";
import { hrefFor } from "../routing/routes.ts";
import { EnrollmentCommand } from "../servers/EnrollmentCommand.tsx";
import { NewServerForm, type CreatedServer } from "../servers/NewServerForm.tsx";
import type { Operator } from "../session/useSession.ts";

export function NewServerPage({ operator }: { operator: Operator }) {
  const [created, setCreated] = useState<CreatedServer | null>(null);
  return (
    <>
      <PageHeader title="Add a server" description="Create the server here, then run the enrollment command on it: its agent connects out to this control plane." />
      {created ? (
        <section className="panel stack" aria-label="Server created">
          <h2>{created.server.name} created</h2>
          <EnrollmentCommand install={created.enrollment.install} command={created.enrollment.command} expiresAt={created.enrollment.expiresAt} notes={created.enrollment.notes} />
          <div className="row">
            <a className="button primary" href={hrefFor({ page: "server", serverId: created.server.id })}>
              Open {created.server.name}
            </a>
            <button type="button" className="button" onClick={() => setCreated(null)}>
              Add another server
            </button>
          </div>
        </section>
      ) : (
        <NewServerForm defaultTenantId={operator.tenantId ?? ""} canCreateTenant={operator.role === "MSP_ADMIN"} onCreated={setCreated} />
      )}
    </>
  );
}
