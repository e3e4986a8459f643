// The audit log as CSV (RFC 4180: every cell quoted, quotes doubled, CRLF between rows), safe to
// open in a spreadsheet: a cell that starts with = + - @ (or a tab or carriage return) is
// prefixed with ' so it is never read as a formula (CSV injection), whatever a user typed into a
// comment or a traveler's name.
import type { FieldChange } from "./audit-summary.ts";

export interface CsvAuditEvent {
  id: string;
  at: string;
  actor: string;
  actorName: string;
  action: string;
  tenantName: string | null;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  summary: string;
  changes: FieldChange[];
}

const HEADER = ["at", "actor", "actor id", "action", "tenant", "target type", "target", "target id", "summary", "changes", "event id"];

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | null): string {
  const text = value ?? "";
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

function changesText(changes: readonly FieldChange[]): string {
  return changes.map((change) => `${change.field}: ${change.before ?? "∅"} → ${change.after ?? "∅"}`).join("; ");
}

export function auditCsv(events: readonly CsvAuditEvent[]): string {
  const rows = events.map((event) => [
    event.at,
    event.actorName,
    event.actor,
    event.action,
    event.tenantName,
    event.targetType,
    event.targetName,
    event.targetId,
    event.summary,
    changesText(event.changes),
    event.id,
  ]);
  return [HEADER, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
