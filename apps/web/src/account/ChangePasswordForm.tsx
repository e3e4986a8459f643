import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { SubmitButton } from "../components/SubmitButton.tsx";

/** A new password of one's own: the current one first; every other session ends, this one stays. */
export function ChangePasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => api.auth.changePassword.mutate({ currentPassword: current, newPassword: next }),
    onSuccess: () => {
      setCurrent("");
      setNext("");
      setAgain("");
    },
  });
  const errors = fieldErrorsOf(change.error);
  const unplaced = change.error && !errors.currentPassword && !errors.newPassword ? messageOf(change.error) : null;
  const againError = mismatch ? "the two new passwords differ" : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(next !== again);
    if (next === again) change.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Change password">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      {change.isSuccess && <Notice tone="ok">Your password is changed. Your other sessions have ended.</Notice>}
      <Field id="password-current" label="Current password" error={errors.currentPassword}>
        <input {...describedBy("password-current", errors.currentPassword)} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
      </Field>
      <div className="form-row">
        <Field id="password-new" label="New password" hint="At least 12 characters; a few words are easy to type and hard to guess." error={errors.newPassword}>
          <input {...describedBy("password-new", errors.newPassword, true)} type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        <Field id="password-again" label="New password again" error={againError}>
          <input {...describedBy("password-again", againError)} type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} />
        </Field>
      </div>
      <SubmitButton pending={change.isPending} busyLabel="Changing…">
        Change password
      </SubmitButton>
    </form>
  );
}
