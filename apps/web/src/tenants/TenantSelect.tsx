import { describedBy } from "../components/Field.tsx";
import { useTenants } from "./useTenants.ts";

interface Props {
  id: string;
  value: string;
  onChange: (tenantId: string) => void;
  /** Label of the empty choice; omit to require a tenant. */
  anyLabel?: string;
  error?: string | undefined;
}

export function TenantSelect({ id, value, onChange, anyLabel, error }: Props) {
  const tenants = useTenants();
  return (
    <select {...describedBy(id, error)} value={value} onChange={(e) => onChange(e.target.value)} required={anyLabel === undefined}>
      {anyLabel !== undefined ? <option value="">{anyLabel}</option> : <option value="" disabled>Choose a tenant…</option>}
      {(tenants.data ?? []).map((tenant) => (
        <option key={tenant.id} value={tenant.id}>
          {tenant.name}
        </option>
      ))}
    </select>
  );
}
