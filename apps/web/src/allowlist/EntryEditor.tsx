import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { ScopeFields } from "./ScopeFields.tsx";
import { draftOf, scopeOf, type ScopeDraft } from "./scope.ts";
import { ServicesField } from "./ServicesField.tsx";
import type { EntryView } from "./useEntries.ts";
import { useServiceChoices } from "./useServiceChoices.ts";

interface Props {
  entry: EntryView;
  allowFleet: boolean;
  onDone: () => void;
}

/** Services, comment and scope of one entry (entries.update); the source stays. */
export function EntryEditor({ entry, allowFleet, onDone }: Props) {
  const queryClient = useQueryClient();
  const [services, setServices] = useState<string[]>(entry.services);
  const [comment, setComment] = useState(entry.comment);
  const [scope, setScope] = useState<ScopeDraft>(draftOf(entry));
  const choices = useServiceChoices(scope.tenantId);
  const save = useMutation({
    mutationFn: () => api.entries.update.mutate({ entryId: entry.id, services, comment, scope: scopeOf(scope) }),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onDone();
    },
  });
  const errors = fieldErrorsOf(save.error);
  const scopeError = errors.scope ?? errors.serverId ?? errors.tenantId ?? errors.group;
  const unplaced = save.error && !errors.services && !errors.comment && !scopeError ? messageOf(save.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="form panel" onSubmit={submit} aria-label={`Edit ${entry.source}`}>
      <h3>
        Edit <span className="mono">{entry.source}</span>
      </h3>
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      <ServicesField idPrefix="edit-services" choices={choices} selected={services} onChange={setServices} error={errors.services} />
      <Field id="edit-comment" label="Comment" error={errors.comment}>
        <input {...describedBy("edit-comment", errors.comment)} type="text" value={comment} onChange={(e) => setComment(e.target.value)} />
      </Field>
      <ScopeFields idPrefix="edit" draft={scope} onChange={setScope} allowFleet={allowFleet} error={scopeError} />
      <div className="row">
        <button type="submit" className="button primary" disabled={save.isPending || services.length === 0}>
          {save.isPending ? "Saving…" : "Save changes"}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
