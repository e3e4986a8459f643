import type { ServiceChoice } from "./useServiceChoices.ts";

interface Props {
  idPrefix: string;
  choices: ServiceChoice[];
  selected: string[];
  onChange: (selected: string[]) => void;
  error?: string | undefined;
}

export function ServicesField({ idPrefix, choices, selected, onChange, error }: Props) {
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  return (
    <fieldset className="field" aria-describedby={error ? `${idPrefix}-error` : undefined} aria-invalid={error ? true : undefined}>
      <legend>Services</legend>
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
