import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { ServicesField } from "../allowlist/ServicesField.tsx";
import { useServiceChoices } from "../allowlist/useServiceChoices.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { SubmitButton } from "../components/SubmitButton.tsx";
import { useServers } from "../servers/useServers.ts";

const DEFAULT_SERVICES = ["sip", "rtp", "iax2", "webrtc"];

function splitGroups(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

export function NewTravelerForm({ tenantId, onCreated }: { tenantId: string; onCreated: (name: string, pin: string | null) => void }) {
  const queryClient = useQueryClient();
  const servers = useServers(tenantId);
  const choices = useServiceChoices(tenantId).filter((c) => c.id !== "all");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [added, setAdded] = useState<{ name: string; accountNumber: string } | null>(null);
  const [pin, setPin] = useState("");
  const [groups, setGroups] = useState("");
  const [serverIds, setServerIds] = useState<string[]>([]);
  const [services, setServices] = useState<string[]>(DEFAULT_SERVICES);
  const [lifetimeHours, setLifetimeHours] = useState("168");
  const [maxGrants, setMaxGrants] = useState("3");
  const create = useMutation({
    mutationFn: () =>
      api.travelers.create.mutate({
        tenantId,
        name,
        email,
        ...(pin ? { pin } : {}),
        scopeGroups: splitGroups(groups),
        scopeServerIds: serverIds,
        services,
        grantLifetimeHours: Number(lifetimeHours),
        maxActiveGrants: Number(maxGrants),
      }),
    onSuccess: async (created) => {
      onCreated(created.traveler.name, created.generatedPin);
      setAdded({ name: created.traveler.name, accountNumber: created.traveler.accountNumber });
      setName("");
      setEmail("");
      setPin("");
      await queryClient.invalidateQueries();
    },
  });
  const errors = fieldErrorsOf(create.error);
  const fields = ["name", "email", "pin", "scopeGroups", "scopeServerIds", "services", "grantLifetimeHours", "maxActiveGrants"];
  const unplaced = create.error && !fields.some((f) => errors[f]) ? messageOf(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const toggleServer = (id: string, on: boolean) => setServerIds(on ? [...serverIds, id] : serverIds.filter((s) => s !== id));
  return (
    <form className="form" onSubmit={submit} aria-label="New traveler">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      {added && (
        <Notice tone="ok">
          {added.name}&apos;s account number is <span className="mono" aria-label={`Account number of ${added.name}`}>{added.accountNumber}</span>: they type it on the phone.
        </Notice>
      )}
      <div className="form-row">
        <Field id="traveler-name" label="Name" error={errors.name}>
          <input {...describedBy("traveler-name", errors.name)} type="text" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="traveler-email" label="Email" error={errors.email}>
          <input {...describedBy("traveler-email", errors.email)} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
      </div>
      <div className="form-row">
        <Field id="traveler-pin" label="PIN (optional)" hint="Leave empty to generate one, shown once." error={errors.pin}>
          <input {...describedBy("traveler-pin", errors.pin, true)} type="password" inputMode="numeric" autoComplete="new-password" value={pin} onChange={(e) => setPin(e.target.value)} />
        </Field>
      </div>
      <div className="form-row">
        <Field id="traveler-groups" label="Server groups (optional)" hint="Empty groups and servers = every server of the tenant." error={errors.scopeGroups}>
          <input {...describedBy("traveler-groups", errors.scopeGroups, true)} type="text" value={groups} onChange={(e) => setGroups(e.target.value)} placeholder="east sales" />
        </Field>
        <Field id="traveler-lifetime" label="Grant lifetime (hours)" error={errors.grantLifetimeHours}>
          <input {...describedBy("traveler-lifetime", errors.grantLifetimeHours)} type="number" min={1} value={lifetimeHours} onChange={(e) => setLifetimeHours(e.target.value)} />
        </Field>
        <Field id="traveler-max" label="Active grants at most" error={errors.maxActiveGrants}>
          <input {...describedBy("traveler-max", errors.maxActiveGrants)} type="number" min={1} value={maxGrants} onChange={(e) => setMaxGrants(e.target.value)} />
        </Field>
      </div>
      {(servers.data?.length ?? 0) > 0 && (
        <fieldset className="field">
          <legend>Single servers (optional)</legend>
          <div className="checks">
            {(servers.data ?? []).map((s) => (
              <label key={s.id}>
                <input type="checkbox" checked={serverIds.includes(s.id)} onChange={(e) => toggleServer(s.id, e.target.checked)} />
                {s.name}
              </label>
            ))}
          </div>
          {errors.scopeServerIds && <p className="error" role="alert">{errors.scopeServerIds}</p>}
        </fieldset>
      )}
      <ServicesField idPrefix="traveler-services" choices={choices} selected={services} onChange={setServices} error={errors.services} />
      <SubmitButton pending={create.isPending} busyLabel="Creating…">
        Create traveler
      </SubmitButton>
    </form>
  );
}
