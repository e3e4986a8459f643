import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { SubmitButton } from "../components/SubmitButton.tsx";
import { apiTokensKey } from "./useApiTokens.ts";

/** `yyyy-mm-dd` from a date input as the end of that day in the browser's zone. */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

export function NewTokenForm({ onCreated }: { onCreated: (name: string, secret: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const create = useMutation({
    mutationFn: () => api.apiTokens.create.mutate({ name, ...(expires ? { expiresAt: endOfDay(expires) } : {}) }),
    onSuccess: async (created) => {
      onCreated(created.name, created.token);
      setName("");
      setExpires("");
      await queryClient.invalidateQueries({ queryKey: apiTokensKey });
    },
  });
  const errors = fieldErrorsOf(create.error);
  const unplaced = create.error && !errors.name && !errors.expiresAt ? messageOf(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-label="New API token">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      <div className="form-row">
        <Field id="token-name" label="Token name" hint="Say where it is used: “backup script on ops-1”." error={errors.name}>
          <input {...describedBy("token-name", errors.name, true)} type="text" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="token-expires" label="Expires (optional)" hint="Empty: until you revoke it." error={errors.expiresAt}>
          <input {...describedBy("token-expires", errors.expiresAt, true)} type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </Field>
      </div>
      <SubmitButton pending={create.isPending} busyLabel="Creating…">
        Create token
      </SubmitButton>
    </form>
  );
}
