import type { ServiceChoice } from "./useServiceChoices.ts";

interface Props {
  idPrefix: string;
  choices: ServiceChoice[];
  selected: string[];
  onChange: (selected: string[]) => void;
  error?: string | undefined;
}

/** What a VoIP trunk or a remote phone needs, offered as one click; nothing is chosen by default. */
const VOICE_SERVICES = ["sip", "rtp"];

export function ServicesField({ idPrefix, choices, selected, onChange, error }: Props) {
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  const voiceOnly = selected.length === VOICE_SERVICES.length && VOICE_SERVICES.every((id) => selected.includes(id));
  return (
    <fieldset className="field" aria-describedby={error ? `${idPrefix}-error` : undefined} aria-invalid={error ? true : undefined}>
      <legend>Services</legend>
      <p className="row">
        <button type="button" className="button small" aria-pressed={voiceOnly} onClick={() => onChange(VOICE_SERVICES)}>
          SIP + RTP (voice)
        </button>
        <span className="muted small">Choose only what this source needs; &quot;All services&quot; also opens SSH, HTTP and TFTP.</span>
      </p>
      <div className="checks">
        {choices.map((choice) => (
          <label key={choice.id}>
            <input type="checkbox" checked={selected.includes(choice.id)} onChange={(e) => toggle(choice.id, e.target.checked)} />
            {choice.label}
          </label>
        ))}
      </div>
      {error && (
        <p className="error" id={`${idPrefix}-error`} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
