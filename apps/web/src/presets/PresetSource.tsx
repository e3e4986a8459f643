import type { RouterOutputs } from "../api/client.ts";

type PresetView = RouterOutputs["presets"]["list"][number];

const ORIGIN_WORDS: Record<string, string> = {
  address: "published address",
  network: "published network",
  dns: "host name, resolved by the agents",
  srv: "SIP domain, followed through its SRV records",
};

/** A preset's hosts, each with where its addresses come from, and the page they were taken from. */
export function PresetSource({ preset }: { preset: PresetView }) {
  return (
    <div className="stack small">
      <ul className="plain-list mono" aria-label={`Hosts of ${preset.name}`}>
        {preset.hostOrigins.map(({ host, origin }) => (
          <li key={host}>
            {host} <span className="muted">({ORIGIN_WORDS[origin] ?? origin})</span>
          </li>
        ))}
      </ul>
      <p className="muted" data-preset-source={preset.name}>
        {preset.sourceNote ?? "No source given."}{" "}
        {preset.sourceUrl && (
          <a href={preset.sourceUrl} target="_blank" rel="noopener noreferrer">
            Source: {new URL(preset.sourceUrl).host}
          </a>
        )}
      </p>
    </div>
  );
}
