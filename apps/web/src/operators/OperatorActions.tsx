import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { RoleFields } from "./RoleFields.tsx";
import type { OperatorView, Role } from "./useOperators.ts";

type Editing = "none" | "role" | "password";

/** What an admin can do to another operator: disable or enable, a new role, a new password. */
export function OperatorActions({ target, mspAdmin }: { target: OperatorView; mspAdmin: boolean }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>("none");
  const [role, setRole] = useState<Role>(target.role);
  const [tenantId, setTenantId] = useState(target.tenantId ?? "");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const finish = async (message: string) => {
    setEditing("none");
    setPassword("");
    setDone(message);
    await queryClient.invalidateQueries({ queryKey: ["operators.list"] });
  };
  const setDisabled = useMutation({
    mutationFn: (disabled: boolean) => api.operators.setDisabled.mutate({ operatorId: target.id, disabled }),
    onSuccess: (changed) => finish(changed.disabled ? `${target.email} is disabled.` : `${target.email} is enabled.`),
  });
  const setRoleCall = useMutation({
    mutationFn: () => api.operators.setRole.mutate({ operatorId: target.id, role, ...(role === "MSP_ADMIN" ? {} : { tenantId: tenantId || (target.tenantId ?? "") }) }),
    onSuccess: () => finish(`${target.email} has a new role.`),
  });
  const setPasswordCall = useMutation({
    mutationFn: () => api.operators.setPassword.mutate({ operatorId: target.id, password }),
    onSuccess: () => finish(`${target.email} has a new password; their sessions ended.`),
  });
  const error = setDisabled.error ?? setRoleCall.error ?? setPasswordCall.error;
  const errors = fieldErrorsOf(setRoleCall.error ?? setPasswordCall.error);
  const toggleDisabled = () => {
    if (target.disabled || window.confirm(`Disable ${target.email}? Their sessions end and their API tokens stop working.`)) setDisabled.mutate(!target.disabled);
  };
  const submitRole = (event: FormEvent) => {
    event.preventDefault();
    setRoleCall.mutate();
  };
  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    setPasswordCall.mutate();
  };
  return (
    <div className="stack">
      <div className="row">
        <button type="button" className={`button small${target.disabled ? "" : " danger"}`} onClick={toggleDisabled} disabled={setDisabled.isPending}>
          {target.disabled ? "Enable" : "Disable"}
        </button>
        <button type="button" className="button small" onClick={() => setEditing(editing === "role" ? "none" : "role")}>Change role</button>
        <button type="button" className="button small" onClick={() => setEditing(editing === "password" ? "none" : "password")}>Set password</button>
      </div>
      {error && <Notice tone="bad">{messageOf(error)}</Notice>}
      {done && !error && <p className="small muted" role="status">{done}</p>}
      {editing === "role" && (
        <form className="form" onSubmit={submitRole} aria-label={`Role of ${target.email}`}>
          <RoleFields idPrefix={`role-${target.id}`} role={role} tenantId={tenantId} onRole={setRole} onTenant={setTenantId} mspAdmin={mspAdmin} errors={errors} />
          <div><button type="submit" className="button small primary" disabled={setRoleCall.isPending}>Save role</button></div>
        </form>
      )}
      {editing === "password" && (
        <form className="form" onSubmit={submitPassword} aria-label={`New password for ${target.email}`}>
          <Field id={`password-${target.id}`} label="New password" hint="At least 12 characters. Their sessions end." error={errors.password}>
            <input {...describedBy(`password-${target.id}`, errors.password, true)} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <div><button type="submit" className="button small primary" disabled={setPasswordCall.isPending}>Set password</button></div>
        </form>
      )}
    </div>
  );
}
