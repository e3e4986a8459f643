// #/knocks: who the firewall dropped, for one tenant's servers together or one server, with a
// one-click allow. MSP admins pick the tenant; a tenant's operators see their own.
import { useState } from "react";
import { ErrorNotice, Loading, Notice } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { KnockScopePicker, RANGES } from "../knocks/KnockScopePicker.tsx";
import { KnocksView } from "../knocks/KnocksView.tsx";
import { hrefFor } from "../routing/routes.ts";
import { useServers } from "../servers/useServers.ts";
import type { Operator } from "../session/useSession.ts";
import { useTenants } from "../tenants/useTenants.ts";
import "../knocks/knocks.css";

interface Props {
  operator: Operator;
  tenantId: string | null;
  serverId: string | null;
}

export default function KnocksPage({ operator, tenantId: askedTenant, serverId: askedServer }: Props) {
  const [hours, setHours] = useState<number>(RANGES[0].hours);
  const tenants = useTenants();
  const allServers = useServers();
  const asked = allServers.data?.find((s) => s.id === askedServer);
  const tenantId = operator.tenantId ?? askedTenant ?? asked?.tenantId ?? tenants.data?.[0]?.id ?? null;
  const tenant = tenants.data?.find((t) => t.id === tenantId);
  const servers = (allServers.data ?? []).filter((s) => s.tenantId === tenantId);
  const server = servers.find((s) => s.id === askedServer) ?? null;
  const go = (tenant: string, serverId: string | null) => {
    window.location.hash = hrefFor({ page: "knocks", tenantId: operator.tenantId ? null : tenant, serverId });
  };
  const header = (
    <PageHeader
      title="Blocked attempts"
      description={server ? <a href={hrefFor({ page: "server", serverId: server.id })}>← {server.name}</a> : "Who knocked on your servers' closed ports, and what they tried."}
    />
  );
  if (tenants.isPending || allServers.isPending) return <>{header}<Loading what="tenants and servers" /></>;
  if (tenants.error || allServers.error) return <>{header}<ErrorNotice error={tenants.error ?? allServers.error} /></>;
  if (tenantId === null) return <>{header}<Notice>No tenant yet: create one and its servers first.</Notice></>;
  if (askedServer !== null && server === null) return <>{header}<Notice tone="bad">This server is not one you can see.</Notice></>;
  const where = server ? server.name : `every server of ${tenant?.name ?? operator.tenantName ?? "the tenant"}`;
  return (
    <>
      {header}
      <KnockScopePicker
        tenants={operator.tenantId ? null : (tenants.data ?? [])}
        tenantId={tenantId}
        servers={servers}
        serverId={server?.id ?? null}
        hours={hours}
        onScope={go}
        onHours={setHours}
      />
      <KnocksView
        key={`${tenantId}/${server?.id ?? ""}`}
        scope={server ? { kind: "server", serverId: server.id } : { kind: "tenant", tenantId }}
        tenantId={tenantId}
        hours={hours}
        where={where}
        canAllow={operator.role !== "VIEWER"}
      />
    </>
  );
}
