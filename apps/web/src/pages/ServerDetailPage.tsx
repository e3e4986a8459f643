import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { AddEntryForm } from "../allowlist/AddEntryForm.tsx";
import { EntriesTable } from "../allowlist/EntriesTable.tsx";
import { useEntries } from "../allowlist/useEntries.ts";
import { RecentAudit } from "../audit/RecentAudit.tsx";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { hrefFor } from "../routing/routes.ts";
import { AgentStatus } from "../servers/AgentStatus.tsx";
import { DeleteServerPanel } from "../servers/DeleteServerPanel.tsx";
import { EnrollmentPanel } from "../servers/EnrollmentPanel.tsx";
import { ExplainAddress } from "../servers/ExplainAddress.tsx";
import { NoAdminAddressWarning } from "../servers/NoAdminAddressWarning.tsx";
import { RevokeServerPanel } from "../servers/RevokeServerPanel.tsx";
import { RulesetListing } from "../servers/RulesetListing.tsx";
import { ServerFacts } from "../servers/ServerFacts.tsx";
import { ServerSettingsForm } from "../servers/ServerSettingsForm.tsx";
import type { Operator } from "../session/useSession.ts";
import { useTenants } from "../tenants/useTenants.ts";

export function ServerDetailPage({ serverId, operator }: { serverId: string; operator: Operator }) {
  const server = useQuery({ queryKey: ["servers.get", serverId], queryFn: () => api.servers.get.query({ serverId }), refetchInterval: 5000 });
  const entries = useEntries({ serverId, limit: 200, includeExpired: false });
  const tenants = useTenants();
  if (server.isPending) return <Loading what="the server" />;
  if (server.error) {
    return (
      <>
        <ErrorNotice error={server.error} />
        <a href={hrefFor({ page: "fleet" })}>Back to the fleet</a>
      </>
    );
  }
  const s = server.data;
  const canEdit = operator.role !== "VIEWER";
  return (
    <>
      <PageHeader
        title={s.name}
        description={<a href={hrefFor({ page: "fleet" })}>← Fleet</a>}
        actions={
          <a className="button" href={hrefFor({ page: "knocks", tenantId: null, serverId: s.id })}>
            Blocked attempts
          </a>
        }
      />
      {s.primaryAdminSource === null && <NoAdminAddressWarning />}
      <div className="grid-2">
        <section className="panel" aria-labelledby="facts-heading">
          <h2 id="facts-heading">Server</h2>
          <ServerFacts server={s} />
        </section>
        <section className="panel" aria-labelledby="report-heading">
          <h2 id="report-heading">Last agent report</h2>
          <AgentStatus serverId={s.id} rawReport={s.lastReport} />
        </section>
      </div>
      {canEdit && (
        <section className="panel" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          <ServerSettingsForm server={s} />
        </section>
      )}
      {canEdit && (
        <section className="panel" aria-labelledby="enroll-heading">
          <h2 id="enroll-heading">Enrollment</h2>
          <EnrollmentPanel serverId={s.id} status={s.status} />
        </section>
      )}
      {canEdit && (
        <section className="panel stack" aria-labelledby="retire-heading">
          <h2 id="retire-heading">Revoke or delete</h2>
          <RevokeServerPanel server={s} />
          <DeleteServerPanel server={s} />
        </section>
      )}
      <section className="panel" aria-labelledby="explain-heading">
        <h2 id="explain-heading">Explain an address</h2>
        <ExplainAddress serverId={s.id} />
      </section>
      <section className="panel" aria-labelledby="ruleset-heading">
        <h2 id="ruleset-heading">Effective ruleset</h2>
        <RulesetListing serverId={s.id} />
      </section>
      <section className="panel" aria-labelledby="server-entries-heading">
        <h2 id="server-entries-heading">Entries reaching this server</h2>
        {canEdit && <AddEntryForm defaultTenantId={s.tenantId} allowFleet={false} fixedServer={{ id: s.id, name: s.name, tenantId: s.tenantId }} />}
        <ErrorNotice error={entries.error} />
        {entries.data && (
          <EntriesTable
            entries={entries.data.entries}
            tenantNames={new Map((tenants.data ?? []).map((t) => [t.id, t.name]))}
            serverNames={new Map([[s.id, s.name]])}
            canEdit={canEdit}
          />
        )}
      </section>
      <section className="panel" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Recent audit events</h2>
        <RecentAudit targetId={s.id} />
      </section>
    </>
  );
}
