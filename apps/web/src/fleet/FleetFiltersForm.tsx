import type { FleetFilters, FleetSort, FleetStatusFilter } from "./fleetRow.ts";

const statuses: { value: FleetStatusFilter; label: string }[] = [
  { value: "all", label: "Any status" },
  { value: "problems", label: "With problems" },
  { value: "online", label: "Online" },
  { value: "offline", label: "Offline" },
  { value: "pending", label: "Awaiting enrollment" },
  { value: "behind", label: "Behind desired revision" },
  { value: "drift", label: "Drift repaired (24 h)" },
  { value: "unresolved", label: "Unresolved FQDNs" },
];

const sorts: { value: FleetSort; label: string }[] = [
  { value: "name", label: "Name" },
  { value: "last-seen", label: "Last seen (newest first)" },
  { value: "problems", label: "Problems (most first)" },
];

interface Props {
  filters: FleetFilters;
  onChange: (filters: FleetFilters) => void;
  sort: FleetSort;
  onSort: (sort: FleetSort) => void;
  tenants: { id: string; name: string }[];
  tags: string[];
}

export function FleetFiltersForm({ filters, onChange, sort, onSort, tenants, tags }: Props) {
  return (
    <form className="filters" role="search" aria-label="Filter servers" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="fleet-search">Search by name</label>
        <input id="fleet-search" type="search" value={filters.search ?? ""} placeholder="pbx-nyc" onChange={(e) => onChange({ ...filters, search: e.target.value })} />
      </div>
      {tenants.length > 1 && (
        <div className="field">
          <label htmlFor="fleet-tenant">Tenant</label>
          <select id="fleet-tenant" value={filters.tenantId} onChange={(e) => onChange({ ...filters, tenantId: e.target.value })}>
            <option value="">All tenants</option>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="fleet-tag">Tag</label>
        <select id="fleet-tag" value={filters.tag} onChange={(e) => onChange({ ...filters, tag: e.target.value })}>
          <option value="">Any tag</option>
          {tags.map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="fleet-status">Status</label>
        <select id="fleet-status" value={filters.status} onChange={(e) => onChange({ ...filters, status: e.target.value as FleetStatusFilter })}>
          {statuses.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="fleet-sort">Sort by</label>
        <select id="fleet-sort" value={sort} onChange={(e) => onSort(e.target.value as FleetSort)}>
          {sorts.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
