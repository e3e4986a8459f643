import { CopyBlock } from "../components/CopyBlock.tsx";
import { Notice } from "../components/Notice.tsx";

/** Shown once, right after the token is created: the token is never retrievable again. */
export function EnrollmentCommand({ command, expiresAt }: { command: string; expiresAt?: string | Date | null }) {
  return (
    <Notice tone="warn">
      <div className="stack">
        <p>
          <strong>Run this on the new server as root.</strong> The enrollment token in it works once
          {expiresAt ? ` and expires ${new Date(expiresAt).toLocaleString()}` : ""}; it is not shown again.
        </p>
        <CopyBlock label="Enrollment command" text={command} />
      </div>
    </Notice>
  );
}
