// What an audit event says in words, pure: "allowed 203.0.113.7 for SIP, RTP on pbx1" instead of
// "entry.created allowEntry 01f73aef", and its before/after as a list of changed fields. The
// names come from audit-readable.ts, which looks them up; an id no name was found for (the thing
// is gone) is shown by its first 8 characters.

export interface AuditNames {
  server(id: string): string | undefined;
  tenant(id: string): string | undefined;
}

export interface AuditFacts {
  action: string;
  targetType: string | null;
  targetName: string | null;
  tenantName: string | null;
  before: unknown;
  after: unknown;
}

export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

export const shortId = (id: string) => id.slice(0, 8);

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
/** A snapshot's scalar field as text ("?" when absent or not a scalar). */
const scalar = (value: unknown): string => (typeof value === "string" || typeof value === "number" ? String(value) : "?");

function servicesLabel(services: unknown): string {
  if (!Array.isArray(services) || services.length === 0) return "no services";
  return services.map((id) => (id === "all" ? "all services" : String(id).toUpperCase())).join(", ");
}

/** Where an allow entry applies, from its stored scope columns. */
function scopeLabel(entry: Record<string, unknown>, names: AuditNames): string {
  const tenantId = text(entry.tenantId);
  const tenantName = tenantId ? (names.tenant(tenantId) ?? shortId(tenantId)) : "";
  switch (entry.scope) {
    case "FLEET":
      return "the whole fleet";
    case "TENANT":
      return `every server of ${tenantName}`;
    case "GROUP":
      return `group ${text(entry.groupName) ?? "?"} of ${tenantName}`;
    case "SERVER": {
      const serverId = text(entry.serverId);
      return serverId ? (names.server(serverId) ?? `server ${shortId(serverId)}`) : "a server";
    }
    default:
      return "an unknown scope";
  }
}

/** An entry's name in the log: its source and where it applies. */
export function entryLabel(entry: Record<string, unknown>, names: AuditNames): string {
  return `${text(entry.source) ?? "an entry"} on ${scopeLabel(entry, names)}`;
}

function entrySentence(action: string, facts: AuditFacts, names: AuditNames): string | null {
  const after = record(facts.after);
  const before = record(facts.before);
  if (action === "entry.expiry_set") return `set ${facts.targetName ?? "an entry"} to expire ${text(after.expiresAt) ?? "never"}`;
  if (text(before.source) && text(after.source)) {
    return `changed ${fieldChanges(before, after).map((change) => change.field).join(", ") || "nothing"} of ${text(after.source)} on ${scopeLabel(after, names)}`;
  }
  if (text(after.source)) return `allowed ${text(after.source)} for ${servicesLabel(after.services)} on ${scopeLabel(after, names)}${text(after.expiresAt) ? ` until ${text(after.expiresAt)}` : ""}`;
  if (text(before.source)) return `removed ${text(before.source)} (${servicesLabel(before.services)}) from ${scopeLabel(before, names)}`;
  return null;
}

const SENTENCES: Record<string, (facts: AuditFacts) => string> = {
  "agent.drift_repaired": (f) => `repaired drift on ${f.targetName}: ${[record(f.after).problems].flat().slice(0, 3).join("; ")}`,
  "agent.rolled_back": (f) => `rolled back revision ${scalar(record(f.after).fromRevision)} on ${f.targetName}: ${text(record(f.after).reason) ?? ""}`,
  "agent.flows_cut": (f) => `cut ${scalar(record(f.after).flowsCut)} open flows of revoked sources on ${f.targetName}`,
  "agent.enrolled": (f) => `enrolled the agent of ${f.targetName}`,
  "auth.login_failed": (f) => `failed to sign in as ${text(record(f.after).email) ?? "?"} from ${text(record(f.after).address) ?? "?"}`,
  "alert.delivered": (f) => `delivered alert ${text(record(f.after).kind) ?? ""} by ${scalar(record(f.after).channel).toLowerCase()} (rule ${text(record(f.after).rule) ?? ""})`,
  "alert.retry_scheduled": (f) => `will retry alert ${text(record(f.after).kind) ?? ""} (rule ${text(record(f.after).rule) ?? ""}): ${text(record(f.after).error) ?? ""}`,
  "alert.failed": (f) => `gave up delivering alert ${text(record(f.after).kind) ?? ""} (rule ${text(record(f.after).rule) ?? ""}): ${text(record(f.after).error) ?? ""}`,
  "geo.upgraded": (f) => `geo database upgraded from ${text(record(f.before).version) ?? "?"} to ${text(record(f.after).version) ?? "?"}; the servers with country entries get its networks`,
};

/** The event in one sentence, subject-less: the actor column says who. */
export function auditSentence(facts: AuditFacts, names: AuditNames): string {
  if (facts.action.startsWith("entry.") || facts.targetType === "allowEntry") {
    const sentence = entrySentence(facts.action, facts, names);
    if (sentence) return sentence;
  }
  if (facts.action === "auth.login") return `signed in from ${text(record(facts.after).address) ?? "an address"}`;
  const known = SENTENCES[facts.action];
  if (known) return known(facts);
  const verb = facts.action.split(".").slice(1).join(" ").replace(/_/g, " ") || facts.action;
  const target = facts.targetType ? ` ${readableType(facts.targetType)} ${facts.targetName ?? ""}`.trimEnd() : "";
  return `${verb}${target}`;
}

function readableType(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function cell(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Fields whose value differs between before and after, in a stable order. */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const was = record(before);
  const now = record(after);
  const fields = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
  return fields
    .map((field) => ({ field, before: cell(was[field]), after: cell(now[field]) }))
    .filter((change) => change.before !== change.after);
}
