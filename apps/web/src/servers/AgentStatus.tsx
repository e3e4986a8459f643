import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { Badge } from "../components/Badge.tsx";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { When } from "../components/When.tsx";

/** Instants arrive as ISO text (no data transformer) even where the router's type says Date. */
type Instant = Date | string | null;

function Event({ label, event }: { label: string; event: { at: Instant; detail: Record<string, unknown> } | null }) {
  if (!event) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <When at={event.at ? new Date(event.at) : null} />
        <div className="small mono">{JSON.stringify(event.detail)}</div>
      </dd>
    </>
  );
}

/** What the server's agent last said: backend, sizes, drift repairs, rollbacks, each FQDN's answer. */
export function AgentStatus({ serverId, rawReport }: { serverId: string; rawReport: unknown }) {
  const status = useQuery({ queryKey: ["fleet.server", serverId], queryFn: () => api.fleet.server.query({ serverId }), refetchInterval: 5000 });
  if (status.isPending) return <Loading what="the agent's status" />;
  if (status.error) return <ErrorNotice error={status.error} />;
  const s = status.data;
  if (!s.lastReportAt) return <p className="muted">No report yet: no agent has connected.</p>;
  const sizes = Object.entries(s.setSizes);
  return (
    <div className="stack">
      <dl className="facts">
        <dt>Reported</dt>
        <dd>
          <When at={new Date(s.lastReportAt)} />
        </dd>
        <dt>Agent</dt>
        <dd className="mono">
          {s.agentVersion ?? "?"} · {s.backend ?? "?"}
        </dd>
        <dt>Rules</dt>
        <dd>{s.ruleCount ?? "—"}</dd>
        <dt>Set sizes</dt>
        <dd className="mono small">{sizes.length > 0 ? sizes.map(([name, size]) => `${name} ${size}`).join(", ") : "—"}</dd>
        <dt>Errors</dt>
        <dd>{s.errors.length > 0 ? s.errors.map((e) => <div key={e} className="error small">{e}</div>) : <span className="muted">none</span>}</dd>
        <Event label="Last drift repaired" event={s.lastDrift} />
        <Event label="Last rollback" event={s.lastRollback} />
      </dl>
      {s.fqdnAnswers.length > 0 && (
        <div className="table-wrap stack-on-phone">
          <table className="table" aria-label="Host names as the agent resolved them">
            <thead>
              <tr>
                <th scope="col">Host name</th>
                <th scope="col">Addresses</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {s.fqdnAnswers.map((a) => (
                <tr key={a.fqdn}>
                  <td data-label="Host name" className="mono">
                    {a.fqdn}
                  </td>
                  <td data-label="Addresses" className="mono small">
                    {a.error ? (
                      <>
                        <Badge tone="warn">unresolved</Badge> {a.error}
                      </>
                    ) : (
                      <>
                        {a.addresses.join(", ")}
                        <SrvTargets targets={a.targets} />
                      </>
                    )}
                  </td>
                  <td data-label="Resolved">
                    <When at={new Date(a.resolvedAt)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <details>
        <summary>The report as received</summary>
        <pre className="listing small">{JSON.stringify(rawReport, null, 2)}</pre>
      </details>
    </div>
  );
}

/** A SIP domain's SRV targets, each with its ports and addresses (nothing for a plain host name). */
function SrvTargets({ targets }: { targets: { target: string; ports: number[]; addresses: string[] }[] | null }) {
  if (targets === null) return null;
  if (targets.length === 0) return <div className="muted">no SRV record: the domain's own addresses</div>;
  return (
    <ul className="plain-list" aria-label="SRV targets">
      {targets.map((t) => (
        <li key={t.target}>
          SRV {t.target}:{t.ports.join(",")} → {t.addresses.length > 0 ? t.addresses.join(", ") : "no address"}
        </li>
      ))}
    </ul>
  );
}
