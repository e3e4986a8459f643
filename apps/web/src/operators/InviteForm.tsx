import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { SubmitButton } from "../components/SubmitButton.tsx";
import type { Operator } from "../session/useSession.ts";
import { RoleFields } from "./RoleFields.tsx";
import type { Role } from "./useOperators.ts";

/** Invites someone by e-mail: they get a single-use link and choose their own password. */
export function InviteForm({ operator }: { operator: Operator }) {
  const queryClient = useQueryClient();
  const mspAdmin = operator.role === "MSP_ADMIN";
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("VIEWER");
  const [tenantId, setTenantId] = useState(operator.tenantId ?? "");
  const [sent, setSent] = useState<{ email: string; mailed: boolean } | null>(null);
  const invite = useMutation({
    mutationFn: () => api.operators.invite.mutate({ email, name, role, ...(role === "MSP_ADMIN" ? {} : { tenantId: mspAdmin ? tenantId : (operator.tenantId ?? "") }) }),
    onSuccess: async (created) => {
      setSent({ email: created.email, mailed: created.mailed });
      setEmail("");
      setName("");
      await queryClient.invalidateQueries({ queryKey: ["operators.invites"] });
    },
  });
  const errors = fieldErrorsOf(invite.error);
  const unplaced = invite.error && !["email", "name", "role", "tenantId"].some((f) => errors[f]) ? messageOf(invite.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    invite.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Invite an operator">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      {sent && (sent.mailed ? (
        <Notice tone="ok">An invitation is on its way to {sent.email}. The link works once, for 72 hours.</Notice>
      ) : (
        <Notice tone="warn">The invitation to {sent.email} is recorded, but the mail server did not take the mail. Check the mail settings, revoke it and invite again.</Notice>
      ))}
      <div className="form-row">
        <Field id="invite-email" label="Email" error={errors.email}>
          <input {...describedBy("invite-email", errors.email)} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field id="invite-name" label="Name" error={errors.name}>
          <input {...describedBy("invite-name", errors.name)} type="text" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      </div>
      <div className="form-row">
        <RoleFields idPrefix="invite" role={role} tenantId={tenantId} onRole={setRole} onTenant={setTenantId} mspAdmin={mspAdmin} errors={errors} />
      </div>
      <SubmitButton pending={invite.isPending} busyLabel="Sending…">
        Send invitation
      </SubmitButton>
    </form>
  );
}
