import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { InviteForm } from "../operators/InviteForm.tsx";
import { InvitesTable } from "../operators/InvitesTable.tsx";
import { OperatorsTable } from "../operators/OperatorsTable.tsx";
import { useInvites, useOperators } from "../operators/useOperators.ts";
import type { Operator } from "../session/useSession.ts";
import { useTenants } from "../tenants/useTenants.ts";

export function OperatorsPage({ operator }: { operator: Operator }) {
  const operators = useOperators();
  const invites = useInvites();
  const tenants = useTenants();
  const canEdit = operator.role !== "VIEWER";
  const tenantNames = new Map((tenants.data ?? []).map((tenant) => [tenant.id, tenant.name]));
  return (
    <>
      <PageHeader
        title="Operators"
        description={canEdit ? "Who manages the fleet. Invite someone by e-mail: they choose their own password through a link that works once." : "Who manages the fleet."}
      />
      <ErrorNotice error={operators.error ?? invites.error} />
      <section className="panel" aria-labelledby="operators-heading">
        <h2 id="operators-heading">Operators</h2>
        {operators.isPending ? <Loading what="operators" /> : <OperatorsTable operators={operators.data ?? []} tenantNames={tenantNames} me={operator} />}
      </section>
      {canEdit && (
        <>
          <section className="panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">Invite an operator</h2>
            <InviteForm operator={operator} />
          </section>
          <section className="panel" aria-labelledby="invites-heading">
            <h2 id="invites-heading">Invitations</h2>
            {invites.isPending ? <Loading what="invitations" /> : <InvitesTable invites={invites.data ?? []} canEdit={canEdit} />}
          </section>
        </>
      )}
    </>
  );
}
