import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, type RouterOutputs } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";

type PresetView = RouterOutputs["presets"]["list"][number];

interface Props {
  /** The preset to edit; a new one when absent. */
  preset?: PresetView;
  onDone: () => void;
}

const lines = (text: string) => text.split(/[\n,]/).map((line) => line.trim()).filter(Boolean);

/** An MSP admin's own preset: hosts one a line (the control plane's parser says what is wrong), services, its source. */
export function PresetForm({ preset, onDone }: Props) {
  const queryClient = useQueryClient();
  const key = preset ? `preset-${preset.id}` : "new-preset";
  const [name, setName] = useState(preset?.name ?? "");
  const [hosts, setHosts] = useState(preset?.hosts.join("\n") ?? "");
  const [services, setServices] = useState(preset?.services.join(", ") ?? "sip, rtp");
  const [sourceUrl, setSourceUrl] = useState(preset?.sourceUrl ?? "");
  const [sourceNote, setSourceNote] = useState(preset?.sourceNote ?? "");
  const save = useMutation({
    mutationFn: () => {
      const fields = { name, hosts: lines(hosts), services: lines(services), sourceUrl: sourceUrl.trim() || null, sourceNote: sourceNote.trim() || null };
      return preset ? api.presets.update.mutate({ presetId: preset.id, ...fields }) : api.presets.create.mutate(fields);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onDone();
    },
  });
  const errors = fieldErrorsOf(save.error);
  const placed = ["name", "hosts", "services", "sourceUrl", "sourceNote"].some((field) => errors[field]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-label={preset ? `Edit ${preset.name}` : "New preset"}>
      {save.error && !placed && <Notice tone="bad">{messageOf(save.error)}</Notice>}
      <Field id={`${key}-name`} label="Provider name" error={errors.name}>
        <input {...describedBy(`${key}-name`, errors.name)} type="text" required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id={`${key}-hosts`} label="Hosts" hint="One a line: an address, a network (198.51.100.0/28), a host name the agents resolve, or srv:<SIP domain>." error={errors.hosts}>
        <textarea {...describedBy(`${key}-hosts`, errors.hosts, true)} rows={4} required value={hosts} onChange={(e) => setHosts(e.target.value)} className="mono" />
      </Field>
      <Field id={`${key}-services`} label="Services" hint="Catalogue services, comma-separated: sip, sip-tls, rtp, iax2…" error={errors.services}>
        <input {...describedBy(`${key}-services`, errors.services, true)} type="text" required value={services} onChange={(e) => setServices(e.target.value)} />
      </Field>
      <div className="form-row">
        <Field id={`${key}-source-url`} label="Source page" hint="The provider's page that lists these hosts." error={errors.sourceUrl}>
          <input {...describedBy(`${key}-source-url`, errors.sourceUrl, true)} type="url" value={sourceUrl} onChange={(e) => setSourceUrl(e.target.value)} />
        </Field>
        <Field id={`${key}-source-note`} label="Source note" hint="Where the hosts come from and when." error={errors.sourceNote}>
          <input {...describedBy(`${key}-source-note`, errors.sourceNote, true)} type="text" value={sourceNote} onChange={(e) => setSourceNote(e.target.value)} />
        </Field>
      </div>
      <div className="row">
        <button type="submit" className="button primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : preset ? "Save preset" : "Create preset"}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
