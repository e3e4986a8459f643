import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";

/** Chooses the invited operator's password; the link is used up by this one call. */
export function AcceptInviteForm({ token, email, onAccepted }: { token: string; email: string; onAccepted: () => void }) {
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const accept = useMutation({ mutationFn: () => api.operators.acceptInvite.mutate({ token, password }), onSuccess: onAccepted });
  const errors = fieldErrorsOf(accept.error);
  const unplaced = accept.error && !errors.password ? messageOf(accept.error) : null;
  const againError = mismatch ? "the two passwords differ" : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== again);
    if (password === again) accept.mutate();
  };
  return (
    <form className="panel form" onSubmit={submit} aria-label="Choose your password">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      {/* For password managers: the account this password is for. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field id="invite-password" label="Choose a password" hint="At least 12 characters; a few words are easy to type and hard to guess." error={errors.password}>
        <input {...describedBy("invite-password", errors.password, true)} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
      </Field>
      <Field id="invite-password-again" label="The same password again" error={againError}>
        <input {...describedBy("invite-password-again", againError)} type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} />
      </Field>
      <button type="submit" className="button primary" disabled={accept.isPending}>
        {accept.isPending ? "Saving…" : "Set password"}
      </button>
    </form>
  );
}
