import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { SubmitButton } from "../components/SubmitButton.tsx";
import { TenantSelect } from "../tenants/TenantSelect.tsx";
import { alertRulesKey, ALERT_KINDS, type AlertKind } from "./useAlertRules.ts";

interface Props {
  /** MSP admins may leave the tenant empty: a rule for the whole fleet. */
  fleetAllowed: boolean;
  onCreated: (name: string, webhookSecret: string | null) => void;
}

export function NewAlertRuleForm({ fleetAllowed, onCreated }: Props) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [tenantId, setTenantId] = useState("");
  const [kinds, setKinds] = useState<AlertKind[]>(["server.offline"]);
  const [channel, setChannel] = useState<"EMAIL" | "WEBHOOK">("EMAIL");
  const [target, setTarget] = useState("");
  const create = useMutation({
    mutationFn: () => {
      const base = { name, kinds, ...(tenantId ? { tenantId } : {}) };
      return api.alerts.add.mutate(channel === "EMAIL" ? { ...base, channel, email: target } : { ...base, channel, webhookUrl: target });
    },
    onSuccess: async (created) => {
      onCreated(created.rule.name, created.webhookSecret);
      setName("");
      setTarget("");
      await queryClient.invalidateQueries({ queryKey: alertRulesKey });
    },
  });
  const errors = fieldErrorsOf(create.error);
  const targetField = channel === "EMAIL" ? "email" : "webhookUrl";
  const placed = ["name", "tenantId", "kinds", targetField].some((field) => errors[field]);
  const unplaced = create.error && !placed ? messageOf(create.error) : null;
  const toggle = (kind: AlertKind, on: boolean) => setKinds(on ? [...kinds, kind] : kinds.filter((k) => k !== kind));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-label="New alert rule">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      <div className="form-row">
        <Field id="alert-name" label="Rule name" hint="Who it tells: “NOC Slack”, “Acme on-call”." error={errors.name}>
          <input {...describedBy("alert-name", errors.name, true)} type="text" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="alert-tenant" label="For" error={errors.tenantId}>
          <TenantSelect id="alert-tenant" value={tenantId} onChange={setTenantId} {...(fleetAllowed ? { anyLabel: "Whole fleet (every tenant)" } : {})} error={errors.tenantId} />
        </Field>
      </div>
      <fieldset className="field">
        <legend>Alert on</legend>
        {ALERT_KINDS.map(({ kind, label }) => (
          <label key={kind} className="checkbox">
            <input type="checkbox" checked={kinds.includes(kind)} onChange={(e) => toggle(kind, e.target.checked)} /> {label}
          </label>
        ))}
        {errors.kinds && <p className="error" role="alert">{errors.kinds}</p>}
      </fieldset>
      <fieldset className="field">
        <legend>Send by</legend>
        <label className="checkbox">
          <input type="radio" name="alert-channel" checked={channel === "EMAIL"} onChange={() => setChannel("EMAIL")} /> E-mail
        </label>
        <label className="checkbox">
          <input type="radio" name="alert-channel" checked={channel === "WEBHOOK"} onChange={() => setChannel("WEBHOOK")} /> Webhook (Slack-compatible, signed)
        </label>
      </fieldset>
      <Field
        id="alert-target"
        label={channel === "EMAIL" ? "E-mail address" : "Webhook URL"}
        hint={channel === "EMAIL" ? undefined : "An https:// URL on the public Internet; the signing secret is shown once after saving."}
        error={errors[targetField]}
      >
        <input {...describedBy("alert-target", errors[targetField], channel === "WEBHOOK")} type={channel === "EMAIL" ? "email" : "url"} required value={target} onChange={(e) => setTarget(e.target.value)} />
      </Field>
      <SubmitButton pending={create.isPending} busyLabel="Saving…" disabled={kinds.length === 0}>
        Add rule
      </SubmitButton>
    </form>
  );
}
