// The blocked attempts of one scope (a server, or a tenant's servers together) over a range:
// the chart, the top sources with their one-click allow, the ports tried; or, before any
// report, how telemetry starts.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api } from "../api/client.ts";
import { ErrorNotice, Loading, Notice } from "../components/Notice.tsx";
import type { AllowScope } from "./AllowSourceAction.tsx";
import { KnockChart } from "./KnockChart.tsx";
import { KnockPortsTable } from "./KnockPortsTable.tsx";
import { KnockSourcesTable } from "./KnockSourcesTable.tsx";
import type { ServicePorts } from "./knockMath.ts";
import { useAllowedSources } from "./useAllowedSources.ts";
import { useKnockPorts, useKnockSeries, useKnockSources, type KnockScope } from "./useKnocks.ts";

interface Props {
  scope: KnockScope;
  tenantId: string;
  hours: number;
  /** "pbx-nyc-1", or "every server of Acme Dental". */
  where: string;
  canAllow: boolean;
}

type NamedService = ServicePorts & { name: string };

/** The services an allow may open: the catalogue's with ports (never "all" in one click) and the custom ones. */
function useAllowServices(tenantId: string): NamedService[] {
  const services = useQuery({ queryKey: ["services.catalogue", tenantId], queryFn: () => api.services.catalogue.query({ tenantId }), staleTime: 30_000 });
  return useMemo(() => {
    const catalogue = (services.data?.catalogue ?? []).filter((s) => s.ports.length > 0).map((s) => ({ id: s.id, name: s.name, ports: s.ports }));
    const custom = (services.data?.custom ?? []).map((s) => ({ id: s.id, name: s.name, ports: [{ protocol: s.protocol, from: s.portFrom, to: s.portTo }] }));
    return [...catalogue, ...custom];
  }, [services.data]);
}

/** The licence of the country and AS data asks for its attribution beside the answers. */
function GeoAttribution() {
  const geo = useQuery({ queryKey: ["geo.status"], queryFn: () => api.geo.status.query(), staleTime: 3_600_000 });
  if (!geo.data) return null;
  return (
    <p className="small muted" data-testid="geo-attribution">
      {geo.data.attribution} Database {geo.data.version}.
    </p>
  );
}

export function KnocksView({ scope, tenantId, hours, where, canAllow }: Props) {
  const series = useKnockSeries(scope, hours);
  const sources = useKnockSources(scope, hours);
  const ports = useKnockPorts(scope, hours);
  const allowed = useAllowedSources(scope);
  const services = useAllowServices(tenantId);
  const now = useMemo(() => new Date(series.dataUpdatedAt || Date.now()), [series.dataUpdatedAt]);
  const allowScope: AllowScope = scope.kind === "server" ? { kind: "SERVER", serverId: scope.serverId } : { kind: "TENANT", tenantId: scope.tenantId };
  const serviceOf = (port: { protocol: string; port: number }) => services.find((s) => s.ports.some((r) => r.protocol === port.protocol && port.port >= r.from && port.port <= r.to))?.name;

  const error = series.error ?? sources.error ?? ports.error;
  if (error) return <ErrorNotice error={error} />;
  if (!series.data || !sources.data) return <Loading what="blocked attempts" />;
  const nothing = series.data.buckets.length === 0 && sources.data.length === 0;
  return (
    <>
      <section className="panel" aria-labelledby="knock-chart-heading">
        <h2 id="knock-chart-heading">Dropped packets</h2>
        {nothing ? (
          <Notice>
            No packet was dropped on {where} in this range, or no agent reports them yet. Agents of version 0.1.0 and later, on the nftables or iptables
            backend, count every packet the firewall drops, per source and port, and report the busiest sources every 5 minutes; a dry-run agent counts
            nothing, and an offline one reports when it is back.{hours < 720 && " A longer range may show older attempts."}
          </Notice>
        ) : (
          <KnockChart buckets={series.data.buckets} resolution={series.data.resolution} hours={hours} now={now} />
        )}
      </section>
      <section className="panel" aria-labelledby="knock-sources-heading">
        <h2 id="knock-sources-heading">Top sources</h2>
        <p className="muted small">
          The 50 sources dropped most. Allowing one adds an allow entry for {where} that closes by itself at the end you choose.
        </p>
        <KnockSourcesTable sources={sources.data} allowed={allowed.data ?? new Map()} canAllow={canAllow} scope={allowScope} where={where} services={services} />
        {sources.data.length > 0 && <GeoAttribution />}
      </section>
      <section className="panel" aria-labelledby="knock-ports-heading">
        <h2 id="knock-ports-heading">Ports tried</h2>
        <KnockPortsTable ports={ports.data ?? []} serviceOf={serviceOf} />
      </section>
    </>
  );
}
