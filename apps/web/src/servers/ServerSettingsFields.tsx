import { describedBy, Field } from "../components/Field.tsx";
import type { FieldErrors } from "../api/errors.ts";
import { DefaultLanNotice, NoAdminAddressWarning } from "./NoAdminAddressWarning.tsx";
import { keepsDefaultLan, PROVIDERS, splitList, type MediaChoice, type SettingsDraft } from "./serverSettings.ts";

interface Props {
  /** Makes the inputs' ids unique on the page ("server" on Add server, "settings" on a server's page). */
  idPrefix: string;
  draft: SettingsDraft;
  onChange: (draft: SettingsDraft) => void;
  errors: FieldErrors;
  creating?: boolean;
}

/** Every setting of a server: its name and where it runs, its groups, and the base policy its agent enforces. */
export function ServerSettingsFields({ idPrefix, draft, onChange, errors, creating = false }: Props) {
  const id = (field: string) => `${idPrefix}-${field}`;
  const set = <K extends keyof SettingsDraft>(key: K) => (value: SettingsDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <>
      <div className="form-row">
        <Field id={id("name")} label="Name" error={errors.name}>
          <input {...describedBy(id("name"), errors.name)} type="text" required value={draft.name} onChange={(e) => set("name")(e.target.value)} placeholder="pbx-nyc-1" />
        </Field>
        <Field id={id("provider")} label="Provider" error={errors.provider}>
          <input {...describedBy(id("provider"), errors.provider)} type="text" list={id("providers")} value={draft.provider} onChange={(e) => set("provider")(e.target.value)} />
          <datalist id={id("providers")}>
            {PROVIDERS.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </Field>
        <Field id={id("region")} label="Region" error={errors.region}>
          <input {...describedBy(id("region"), errors.region)} type="text" value={draft.region} onChange={(e) => set("region")(e.target.value)} placeholder="nyc3" />
        </Field>
      </div>
      <div className="form-row">
        <Field id={id("tags")} label="Groups (tags)" hint="Separated by spaces or commas; entries scoped to a group reach its servers." error={errors.tags}>
          <input {...describedBy(id("tags"), errors.tags, true)} type="text" value={draft.tags} onChange={(e) => set("tags")(e.target.value)} placeholder="east sales" />
        </Field>
        <Field id={id("admin")} label="Primary admin address" hint="An address or host name allowed on every port, whatever the allowlist says." error={errors.primaryAdminSource}>
          <input {...describedBy(id("admin"), errors.primaryAdminSource, true)} type="text" value={draft.primaryAdminSource} onChange={(e) => set("primaryAdminSource")(e.target.value)} placeholder="203.0.113.10" />
        </Field>
      </div>
      {draft.primaryAdminSource.trim() === "" && <NoAdminAddressWarning creating={creating} />}
      <div className="form-row">
        <Field id={id("lan")} label="LAN ranges" hint="Private ranges allowed on every port, one per line; empty: nothing from a LAN." error={errors.lanRanges}>
          <textarea {...describedBy(id("lan"), errors.lanRanges, true)} rows={3} value={draft.lanRanges} onChange={(e) => set("lanRanges")(e.target.value)} />
        </Field>
        <fieldset className="field">
          <legend>Media (RTP, UDP 10000-20000)</legend>
          <MediaChoiceInput name={id("media")} value={draft.media} onChange={set("media")} />
        </fieldset>
      </div>
      {keepsDefaultLan(splitList(draft.lanRanges)) && <DefaultLanNotice />}
    </>
  );
}

function MediaChoiceInput({ name, value, onChange }: { name: string; value: MediaChoice; onChange: (value: MediaChoice) => void }) {
  const choices: [MediaChoice, string][] = [
    ["open", "Open to everyone (phones behind NAT send media from addresses nobody allowlisted)"],
    ["allowed", "Only allowed sources"],
  ];
  return (
    <div className="checks">
      {choices.map(([choice, label]) => (
        <label key={choice}>
          <input type="radio" name={name} value={choice} checked={value === choice} onChange={() => onChange(choice)} /> {label}
        </label>
      ))}
    </div>
  );
}
