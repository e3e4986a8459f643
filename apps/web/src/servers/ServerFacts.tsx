import { Badge } from "../components/Badge.tsx";
import { When } from "../components/When.tsx";
import type { RouterOutputs } from "../api/client.ts";

export type ServerDetail = RouterOutputs["servers"]["get"];

function ServerStatusBadge({ server }: { server: Pick<ServerDetail, "status" | "online"> }) {
  if (server.status === "revoked") return <Badge tone="neutral">revoked</Badge>;
  if (server.status === "pending") return <Badge tone="neutral">awaiting enrollment</Badge>;
  return server.online ? <Badge tone="ok">online</Badge> : <Badge tone="bad">offline</Badge>;
}

export function ServerFacts({ server }: { server: ServerDetail }) {
  const behind = server.status === "enrolled" && server.appliedRevision !== server.revision;
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>
        <ServerStatusBadge server={server} />
      </dd>
      <dt>Tenant</dt>
      <dd>{server.tenantName}</dd>
      <dt>Provider</dt>
      <dd>
        {server.provider}
        {server.region ? ` · ${server.region}` : ""}
      </dd>
      <dt>Groups</dt>
      <dd>{server.tags.length > 0 ? server.tags.join(", ") : <span className="muted">none</span>}</dd>
      <dt>Revision</dt>
      <dd className="row">
        <span className="mono">
          desired {server.revision} · applied {server.appliedRevision ?? "—"}
        </span>
        {server.status === "enrolled" && (behind ? <Badge tone="warn">behind</Badge> : <Badge tone="ok">in sync</Badge>)}
      </dd>
      <dt>Last seen</dt>
      <dd>
        <When at={server.lastSeenAt} />
      </dd>
      <dt>Primary admin</dt>
      <dd className="mono">{server.primaryAdminSource ?? <span className="muted">none</span>}</dd>
      <dt>LAN ranges</dt>
      <dd className="mono">{server.lanRanges.join(", ") || <span className="muted">none</span>}</dd>
      <dt>Media (RTP)</dt>
      <dd>{server.mediaOpenToAll ? "open to everyone" : "allowed sources only"}</dd>
      {server.enrollmentExpiresAt && (
        <>
          <dt>Enrollment token</dt>
          <dd>
            unused, expires <When at={server.enrollmentExpiresAt} />
          </dd>
        </>
      )}
    </dl>
  );
}
