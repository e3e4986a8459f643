import { describedBy, Field } from "../components/Field.tsx";
import { TenantSelect } from "../tenants/TenantSelect.tsx";
import { ROLE_LABELS, type Role } from "./useOperators.ts";

interface Props {
  idPrefix: string;
  role: Role;
  tenantId: string;
  onRole: (role: Role) => void;
  onTenant: (tenantId: string) => void;
  /** An MSP admin may give every role and pick the tenant; a tenant admin stays in their own. */
  mspAdmin: boolean;
  errors: Record<string, string>;
}

/** A role and, unless it is MSP admin, the tenant it is in. */
export function RoleFields({ idPrefix, role, tenantId, onRole, onTenant, mspAdmin, errors }: Props) {
  const roles: Role[] = mspAdmin ? ["MSP_ADMIN", "TENANT_ADMIN", "VIEWER"] : ["TENANT_ADMIN", "VIEWER"];
  return (
    <>
      <Field id={`${idPrefix}-role`} label="Role" error={errors.role}>
        <select {...describedBy(`${idPrefix}-role`, errors.role)} value={role} onChange={(e) => onRole(e.target.value as Role)}>
          {roles.map((value) => (
            <option key={value} value={value}>
              {ROLE_LABELS[value]}
            </option>
          ))}
        </select>
      </Field>
      {mspAdmin && role !== "MSP_ADMIN" && (
        <Field id={`${idPrefix}-tenant`} label="Tenant" error={errors.tenantId}>
          <TenantSelect id={`${idPrefix}-tenant`} value={tenantId} onChange={onTenant} error={errors.tenantId} />
        </Field>
      )}
    </>
  );
}
