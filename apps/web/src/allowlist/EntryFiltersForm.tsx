import { TenantSelect } from "../tenants/TenantSelect.tsx";
import type { EntryFilters } from "./useEntries.ts";

interface Props {
  filters: EntryFilters;
  onChange: (filters: EntryFilters) => void;
  showTenant: boolean;
  servers: { id: string; name: string }[];
}

/** Empty text and "any" choices drop the filter instead of sending an empty value. */
function withValue<K extends keyof EntryFilters>(filters: EntryFilters, key: K, value: EntryFilters[K] | ""): EntryFilters {
  const next = { ...filters };
  if (value === "" || value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

export function EntryFiltersForm({ filters, onChange, showTenant, servers }: Props) {
  return (
    <form className="filters" role="search" aria-label="Filter entries" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="entries-source">Source contains</label>
        <input id="entries-source" type="search" value={filters.source ?? ""} onChange={(e) => onChange(withValue(filters, "source", e.target.value))} />
      </div>
      {showTenant && (
        <div className="field">
          <label htmlFor="entries-tenant">Tenant</label>
          <TenantSelect id="entries-tenant" value={filters.tenantId ?? ""} onChange={(v) => onChange(withValue(filters, "tenantId", v))} anyLabel="Any tenant" />
        </div>
      )}
      <div className="field">
        <label htmlFor="entries-server">Reaching server</label>
        <select id="entries-server" value={filters.serverId ?? ""} onChange={(e) => onChange(withValue(filters, "serverId", e.target.value))}>
          <option value="">Any server</option>
          {servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="entries-scope">Scope</label>
        <select id="entries-scope" value={filters.scope ?? ""} onChange={(e) => onChange(withValue(filters, "scope", e.target.value as EntryFilters["scope"] | ""))}>
          <option value="">Any scope</option>
          <option value="FLEET">Fleet</option>
          <option value="TENANT">Tenant</option>
          <option value="GROUP">Group</option>
          <option value="SERVER">Server</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="entries-origin">Origin</label>
        <select id="entries-origin" value={filters.origin ?? ""} onChange={(e) => onChange(withValue(filters, "origin", e.target.value as EntryFilters["origin"] | ""))}>
          <option value="">Any origin</option>
          <option value="OPERATOR">Operator</option>
          <option value="PROVIDER">Provider preset</option>
          <option value="TRAVELER">Traveler</option>
        </select>
      </div>
      <div className="field checks">
        <label>
          <input type="checkbox" checked={filters.includeExpired ?? false} onChange={(e) => onChange({ ...filters, includeExpired: e.target.checked })} />
          Include expired
        </label>
      </div>
    </form>
  );
}
