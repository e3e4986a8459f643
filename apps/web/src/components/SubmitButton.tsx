import type { ReactNode } from "react";

interface Props {
  /** The form's request is in flight: the button is disabled and says `busyLabel`. */
  pending: boolean;
  busyLabel: string;
  /** Disabled for another reason (nothing chosen yet). */
  disabled?: boolean;
  children: ReactNode;
}

/** A form's primary action, on its own line. */
export function SubmitButton({ pending, busyLabel, disabled = false, children }: Props) {
  return (
    <div>
      <button type="submit" className="button primary" disabled={pending || disabled}>
        {pending ? busyLabel : children}
      </button>
    </div>
  );
}
