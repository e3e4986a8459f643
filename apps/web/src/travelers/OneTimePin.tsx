import { CopyBlock } from "../components/CopyBlock.tsx";
import { Notice } from "../components/Notice.tsx";

/** A PIN the control plane generated: shown this once, stored only as a hash. */
export function OneTimePin({ travelerName, pin, onDone }: { travelerName: string; pin: string; onDone: () => void }) {
  return (
    <Notice tone="warn">
      <div className="stack">
        <p>
          <strong>New PIN for {travelerName}.</strong> Give it to them now: it is not shown again.
        </p>
        <CopyBlock label={`PIN for ${travelerName}`} text={pin} />
        <button type="button" className="button small" onClick={onDone}>
          Done
        </button>
      </div>
    </Notice>
  );
}
