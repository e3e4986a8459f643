// Which blocked attempts the page shows: a tenant (MSP admins choose; a tenant's operators have
// theirs), all its servers or one, and the range. The choice lives in the address (#/knocks?...),
// so it can be linked to, and the range beside it.
import type { ServerView, TenantView } from "../api/pages.ts";

export const RANGES = [
  { hours: 24, label: "Last 24 hours" },
  { hours: 168, label: "Last 7 days" },
  { hours: 720, label: "Last 30 days" },
] as const;

interface Props {
  /** Null for a tenant's operator: their tenant is fixed. */
  tenants: readonly TenantView[] | null;
  tenantId: string;
  servers: readonly ServerView[];
  serverId: string | null;
  hours: number;
  onScope: (tenantId: string, serverId: string | null) => void;
  onHours: (hours: number) => void;
}

export function KnockScopePicker({ tenants, tenantId, servers, serverId, hours, onScope, onHours }: Props) {
  return (
    <form className="filters" aria-label="Which blocked attempts" onSubmit={(e) => e.preventDefault()}>
      {tenants !== null && (
        <div className="field">
          <label htmlFor="knocks-tenant">Tenant</label>
          <select id="knocks-tenant" value={tenantId} onChange={(e) => onScope(e.target.value, null)}>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="knocks-server">Server</label>
        <select id="knocks-server" value={serverId ?? ""} onChange={(e) => onScope(tenantId, e.target.value || null)}>
          <option value="">All servers of the tenant</option>
          {servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="knocks-range">Range</label>
        <select id="knocks-range" value={hours} onChange={(e) => onHours(Number(e.target.value))}>
          {RANGES.map((r) => (
            <option key={r.hours} value={r.hours}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
