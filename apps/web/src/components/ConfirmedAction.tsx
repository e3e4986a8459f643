import { useState, type ReactNode } from "react";
import { messageOf } from "../api/errors.ts";
import { Notice } from "./Notice.tsx";

interface ConfirmedActionProps {
  /** The first button ("Revoke…"). */
  ask: string;
  /** The button that does it ("Revoke pbx1"). */
  confirm: string;
  /** What the operator must know before confirming. */
  children: ReactNode;
  tone: "warn" | "bad";
  onConfirm: () => void;
  pending: boolean;
  error: unknown;
}

/** A dangerous action behind a second step that says what it does, with Cancel. */
export function ConfirmedAction({ ask, confirm, children, tone, onConfirm, pending, error }: ConfirmedActionProps) {
  const [asked, setAsked] = useState(false);
  return (
    <div className="stack">
      {asked ? (
        <Notice tone={tone}>
          <div className="stack">
            {children}
            <div className="row">
              <button type="button" className="button danger" onClick={onConfirm} disabled={pending}>
                {confirm}
              </button>
              <button type="button" className="button" onClick={() => setAsked(false)}>
                Cancel
              </button>
            </div>
          </div>
        </Notice>
      ) : (
        <div>
          <button type="button" className="button danger" onClick={() => setAsked(true)}>
            {ask}
          </button>
        </div>
      )}
      {error !== null && error !== undefined && <Notice tone="bad">{messageOf(error)}</Notice>}
    </div>
  );
}
