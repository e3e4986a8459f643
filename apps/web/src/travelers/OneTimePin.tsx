import { useEffect, useRef } from "react";
import { CopyBlock } from "../components/CopyBlock.tsx";

/**
 * A PIN the control plane generated: shown this once, stored only as a hash. It appears beside
 * the button that made it, takes the focus and scrolls into view (a screen reader reads it, and
 * on a phone it is not above the fold), and stays until the operator says Done.
 */
export function OneTimePin({ travelerName, pin, onDone }: { travelerName: string; pin: string; onDone: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus({ preventScroll: true });
    box.current?.scrollIntoView({ block: "center" });
  }, [pin]);
  return (
    <div ref={box} className="notice warn one-time-pin" role="group" aria-label={`Shown once: ${travelerName}'s new PIN`} tabIndex={-1}>
      <div className="stack">
        <p>
          <strong>New PIN for {travelerName}.</strong> Give it to them now: it is not shown again.
        </p>
        <CopyBlock label={`PIN for ${travelerName}`} text={pin} />
        <button type="button" className="button small" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
