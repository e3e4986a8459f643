import { CopyBlock } from "../components/CopyBlock.tsx";
import { Notice } from "../components/Notice.tsx";

/** A new token's secret: shown this once (only its SHA-256 is stored), with a copy button. */
export function OneTimeToken({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <Notice tone="warn">
      <div className="stack">
        <p>
          <strong>API token “{name}”.</strong> Copy it now: it is not shown again. Scripts send it as <span className="mono">Authorization: Bearer …</span>; the CLI reads it from <span className="mono">GATEHOUSE_TOKEN</span>.
        </p>
        <CopyBlock label={`Secret of API token ${name}`} text={secret} />
        <button type="button" className="button small" onClick={onDone}>
          Done
        </button>
      </div>
    </Notice>
  );
}
