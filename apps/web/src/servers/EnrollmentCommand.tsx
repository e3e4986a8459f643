import { CopyBlock } from "../components/CopyBlock.tsx";
import { Notice } from "../components/Notice.tsx";

export interface EnrollmentCommandProps {
  /** Download, checksum, unit, enroll, start; null when the control plane has no agent bundle. */
  install: string | null;
  /** Enroll only, for a host that already has the agent. */
  command: string;
  expiresAt?: string | Date | null;
  notes?: readonly string[];
}

/** Shown once, right after the token is created: the token is never retrievable again. */
export function EnrollmentCommand({ install, command, expiresAt, notes = [] }: EnrollmentCommandProps) {
  return (
    <Notice tone="warn">
      <div className="stack">
        <p>
          <strong>Run this on the new server as root</strong> (it needs Node.js 20 or later). The enrollment token in it
          works once{expiresAt ? ` and expires ${new Date(expiresAt).toLocaleString()}` : ""}; it is not shown again.
        </p>
        {install && (
          <>
            <CopyBlock label="Install command" text={install} />
            <p>
              It downloads gatehouse-agent and its systemd unit from this control plane, checks their SHA-256, enrolls and
              starts the agent. Where the agent is already installed, enrolling is enough:
            </p>
          </>
        )}
        <CopyBlock label="Enrollment command" text={command} />
        {notes.map((note) => (
          <p key={note}>{note}</p>
        ))}
      </div>
    </Notice>
  );
}
