import { describedBy, Field } from "../components/Field.tsx";
import { useServers } from "../servers/useServers.ts";
import { TenantSelect } from "../tenants/TenantSelect.tsx";
import { SCOPE_LABELS, type ScopeDraft, type ScopeKind } from "./scope.ts";

interface Props {
  draft: ScopeDraft;
  onChange: (draft: ScopeDraft) => void;
  /** Fleet-wide entries are for MSP admins only. */
  allowFleet: boolean;
  error?: string | undefined;
  /** Ids of the controls ("entry" gives entry-scope, entry-tenant...): several forms share a page. */
  idPrefix?: string;
}

export function ScopeFields({ draft, onChange, allowFleet, error, idPrefix = "entry" }: Props) {
  const servers = useServers(draft.kind === "SERVER" ? "" : draft.tenantId);
  const kinds = (Object.keys(SCOPE_LABELS) as ScopeKind[]).filter((k) => allowFleet || k !== "FLEET");
  const groups = [...new Set((servers.data ?? []).filter((s) => s.tenantId === draft.tenantId).flatMap((s) => s.tags))].sort();
  return (
    <div className="form-row">
      <Field id={`${idPrefix}-scope`} label="Scope" error={draft.kind === "FLEET" ? error : undefined}>
        <select {...describedBy(`${idPrefix}-scope`)} value={draft.kind} onChange={(e) => onChange({ ...draft, kind: e.target.value as ScopeKind })}>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {SCOPE_LABELS[kind]}
            </option>
          ))}
        </select>
      </Field>
      {(draft.kind === "TENANT" || draft.kind === "GROUP") && (
        <Field id={`${idPrefix}-tenant`} label="Tenant" error={draft.kind === "TENANT" ? error : undefined}>
          <TenantSelect id={`${idPrefix}-tenant`} value={draft.tenantId} onChange={(tenantId) => onChange({ ...draft, tenantId })} error={draft.kind === "TENANT" ? error : undefined} />
        </Field>
      )}
      {draft.kind === "GROUP" && (
        <Field id={`${idPrefix}-group`} label="Group" error={error}>
          <input {...describedBy(`${idPrefix}-group`, error)} type="text" list={`${idPrefix}-groups`} required value={draft.group} onChange={(e) => onChange({ ...draft, group: e.target.value })} />
          <datalist id={`${idPrefix}-groups`}>
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </Field>
      )}
      {draft.kind === "SERVER" && (
        <Field id={`${idPrefix}-server`} label="Server" error={error}>
          <select {...describedBy(`${idPrefix}-server`, error)} required value={draft.serverId} onChange={(e) => onChange({ ...draft, serverId: e.target.value })}>
            <option value="" disabled>
              Choose a server…
            </option>
            {(servers.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.tenantName})
              </option>
            ))}
          </select>
        </Field>
      )}
    </div>
  );
}
